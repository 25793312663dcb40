using System.Text;

namespace EtcdPS.Engine.Reports;

/// <summary>
/// Writes the report so that a reader never sees half of it: the text goes to a temporary file beside the target, which is
/// renamed over the target only when complete. A missing folder is an error (the report never creates folders), and so
/// is an existing file unless the caller allows replacing it.
/// </summary>
internal static class ReportFileWriter
{
    /// <summary>Fails early, before minutes of sampling, when the file could not be written anyway.</summary>
    public static void CheckTarget(string path, bool force)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder))
        {
            throw new EtcdException(EtcdErrorIds.ReportFolderNotFound, EtcdErrorCategory.ObjectNotFound,
                $"The folder of the report '{path}' does not exist.", path, "Create the folder first, or give a -Path in an existing folder.");
        }

        if (Directory.Exists(path))
        {
            throw new EtcdException(EtcdErrorIds.ReportFileExists, EtcdErrorCategory.ResourceExists,
                $"'{path}' is a folder.", path, "Give the path of a file, e.g. report.html.");
        }

        if (!force && File.Exists(path))
        {
            throw new EtcdException(EtcdErrorIds.ReportFileExists, EtcdErrorCategory.ResourceExists,
                $"The file '{path}' exists.", path, "Give -Force to replace it, or another -Path.");
        }
    }

    public static async Task<long> WriteAsync(string path, string html, bool force, CancellationToken cancellation)
    {
        CheckTarget(path, force);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():n}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 65536, FileOptions.Asynchronous))
            {
                var bytes = new UTF8Encoding(false).GetBytes(html);
                await stream.WriteAsync(bytes, cancellation).ConfigureAwait(false);
                await stream.FlushAsync(cancellation).ConfigureAwait(false);
            }

            cancellation.ThrowIfCancellationRequested();
            File.Move(temp, full, overwrite: force);
            return new FileInfo(full).Length;
        }
        catch (IOException) when (!force && File.Exists(full))
        {
            throw new EtcdException(EtcdErrorIds.ReportFileExists, EtcdErrorCategory.ResourceExists,
                $"The file '{path}' appeared while the report was made.", path, "Give -Force to replace it, or another -Path.");
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
