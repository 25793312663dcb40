using System.Buffers.Binary;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>A value whose protobuf bytes cannot be read (truncated, malformed, too deep).</summary>
internal sealed class ProtoFormatException(string message) : Exception(message);

/// <summary>Protobuf wire types.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>Reads protobuf wire format from a span, checking every length against what is left.</summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position >= _data.Length;

    public readonly int Position => _position;

    public (int Field, WireType Wire) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        if (field == 0 || field > int.MaxValue)
        {
            throw new ProtoFormatException($"Invalid field number {field} at byte {_position}.");
        }

        return ((int)field, (WireType)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtoFormatException("The protobuf data ends in the middle of a varint (truncated value).");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new ProtoFormatException($"A varint longer than 10 bytes at byte {_position}.");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtoFormatException($"A field of {length} bytes at byte {_position} runs past the end of the data ({_data.Length - _position} left; truncated value).");
        }

        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public ulong ReadFixed64()
    {
        var bytes = Take(8);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    public uint ReadFixed32()
    {
        var bytes = Take(4);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    public void Skip(WireType wire)
    {
        switch (wire)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Take(8); break;
            case WireType.LengthDelimited: ReadLengthDelimited(); break;
            case WireType.Fixed32: Take(4); break;
            default: throw new ProtoFormatException($"Unsupported wire type {(int)wire} at byte {_position} (groups are not used by Kubernetes).");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_data.Length - _position < count)
        {
            throw new ProtoFormatException("The protobuf data ends in the middle of a fixed-size field (truncated value).");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}

/// <summary>Writes protobuf wire format into a growing buffer.</summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer;
    private int _length;

    public ProtoWriter(int capacity = 256) => _buffer = new byte[capacity];

    public int Length => _length;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Tag(int field, WireType wire) => Varint(((ulong)field << 3) | (uint)wire);

    public void Varint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        Varint((ulong)bytes.Length);
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Fixed64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>Starts a length-delimited field whose length is not known yet; returns the mark for <see cref="EndLengthDelimited"/>.</summary>
    public int BeginLengthDelimited(int field)
    {
        Tag(field, WireType.LengthDelimited);
        return _length;
    }

    /// <summary>Inserts the varint length of everything written since <paramref name="mark"/> before it.</summary>
    public void EndLengthDelimited(int mark)
    {
        var size = _length - mark;
        Span<byte> prefix = stackalloc byte[10];
        var n = 0;
        var v = (ulong)size;
        while (v >= 0x80)
        {
            prefix[n++] = (byte)(v | 0x80);
            v >>= 7;
        }

        prefix[n++] = (byte)v;
        Ensure(n);
        Buffer.BlockCopy(_buffer, mark, _buffer, mark + n, size);
        prefix[..n].CopyTo(_buffer.AsSpan(mark));
        _length += n;
    }

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }
}
