using EtcdPS.Engine.Connection;

namespace EtcdPS.Engine.Lab;

/// <summary>What Start-EtcdLab asks for.</summary>
internal sealed record LabOptions
{
    public string Name { get; init; } = "lab";
    public int Members { get; init; } = 1;
    public EtcdLabSeed Seed { get; init; } = EtcdLabSeed.Small;
    public bool Activity { get; init; }
    /// <summary>Where the data goes; a temp folder (removed at stop) when null.</summary>
    public string? DataPath { get; init; }
    /// <summary>First port to try; 2379 by default, so etcdctl finds the lab without flags when that port is free.</summary>
    public int? Port { get; init; } = 2379;
    public string? EtcdPath { get; init; }
}

/// <summary>Starts, seeds and stops labs.</summary>
internal static class LabController
{
    public static async Task<LabInstance> StartAsync(LabOptions options, Action<LabSeedProgress>? progress, CancellationToken cancellation)
    {
        if (options.Members is not (1 or 3 or 5))
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"A lab has 1, 3 or 5 members, not {options.Members}.", options.Members, "Use -Members 1 or -Members 3.");
        }

        if (LabRegistry.Find(options.Name) is not null)
        {
            throw new EtcdException(EtcdErrorIds.LabRunning, EtcdErrorCategory.ResourceExists,
                $"A lab named '{options.Name}' is already running in this session.", options.Name,
                $"Stop it first with Stop-EtcdLab -Name {options.Name}, or give another -Name.");
        }

        ValidateName(options.Name);
        var dataPath = options.DataPath is null ? null : Path.Combine(Path.GetFullPath(options.DataPath), options.Name);
        if (dataPath is not null)
        {
            ClaimDataFolder(dataPath, options.Name);
        }

        EtcdServer server;
        try
        {
            server = await StartServerAsync(options, dataPath, progress, cancellation).ConfigureAwait(false);
        }
        catch
        {
            if (dataPath is not null)
            {
                DeleteLabFolder(dataPath);
            }

            throw;
        }

        EtcdConnection? connection = null;
        try
        {
            connection = (await EtcdConnector.ConnectAsync(server.ConnectionOptions() with { Name = options.Name + "-writer" }, cancellation).ConfigureAwait(false)).Connection;
            var (seed, leases) = await LabSeeder.SeedAsync(connection, options.Seed, progress, cancellation).ConfigureAwait(false);
            var lab = new EtcdLab
            {
                Name = options.Name,
                Endpoints = server.ClientUrls,
                ProcessIds = server.Members.Select(m => m.Process?.Id ?? 0).ToArray(),
                DataPath = server.DataPath,
                Seed = options.Seed,
                KeyCount = seed.KeyCount,
                Revision = seed.Revision,
                SeedTook = seed.Duration.TotalMilliseconds,
            };
            var instance = new LabInstance(lab, server, connection);
            lab.Instance = instance;
            if (options.Activity)
            {
                instance.Activity = LabActivity.Start(connection, options.Seed, leases);
                lab.Activity = true;
            }

            if (!LabRegistry.TryAdd(instance))
            {
                throw new EtcdException(EtcdErrorIds.LabRunning, EtcdErrorCategory.ResourceExists,
                    $"A lab named '{options.Name}' was started meanwhile.", options.Name, "Give another -Name.");
            }

            return instance;
        }
        catch
        {
            connection?.Dispose();
            server.Dispose();
            if (dataPath is not null)
            {
                // A temp folder went with the server; a half-seeded folder under the user's -DataPath goes too.
                DeleteLabFolder(dataPath);
            }

            throw;
        }
    }

    /// <summary>Stops the background writer, kills the lab's etcd processes and removes its data unless kept.</summary>
    public static async Task StopAsync(LabInstance instance, bool keepData)
    {
        if (instance.Activity is { } activity)
        {
            await activity.DisposeAsync().ConfigureAwait(false);
            instance.Lab.Activity = false;
        }

        instance.Connection.Dispose();
        LabMembers.MarkAllStopped(instance);
        instance.Server.KeepData = keepData;
        instance.Server.Dispose();
        if (!keepData)
        {
            // A temp folder is gone already; a folder under the user's -DataPath is removed here, if the lab made it.
            DeleteLabFolder(instance.Server.DataPath);
        }

        instance.Lab.Removed = true;
    }

    private static async Task<EtcdServer> StartServerAsync(LabOptions options, string? dataPath, Action<LabSeedProgress>? progress, CancellationToken cancellation)
    {
        progress?.Invoke(new LabSeedProgress($"Starting {options.Members} etcd member(s)", 0, 1));
        var serverOptions = new EtcdServerOptions
        {
            Members = options.Members,
            DataPath = dataPath,
            EtcdPath = options.EtcdPath,
            BasePort = options.Port,
            // Room for the Large seed and its history; the default 2 GB quota is enough, the lab only says so.
            QuotaBackendBytes = 2L * 1024 * 1024 * 1024,
        };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EtcdServer.StartAsync(serverOptions, cancellation).ConfigureAwait(false);
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.LabStartFailed && attempt < 3 && serverOptions.BasePort is not null)
            {
                // Another process took a port between the check and etcd's bind: try the ports above,
                // with a clean data folder (a member that failed may have written a WAL for the old ports).
                if (dataPath is not null)
                {
                    DeleteLabFolder(dataPath);
                    ClaimDataFolder(dataPath, options.Name);
                }

                serverOptions = serverOptions with { BasePort = serverOptions.BasePort + (options.Members * 2) + 1 };
            }
        }
    }

    /// <summary>The file that marks a folder as made by a lab: only such folders are ever deleted.</summary>
    internal const string MarkerFileName = ".etcdps-lab";

    /// <summary>A lab's name is also a folder name under -DataPath: a plain name, no path, nothing that climbs out.</summary>
    internal static void ValidateName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['/', '\\', ':', '*', '?']).ToHashSet();
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.Any(invalid.Contains) || name != name.Trim() || name.Length > 100)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"'{name}' is not a lab name: a lab's name is a plain folder name (letters, digits, '-', '_', '.'), without a path, '.' or '..'.",
                name, "Give a plain name such as -Name lab2.");
        }
    }

    /// <summary>
    /// Makes the lab's data folder and marks it, refusing a folder that exists already: the lab deletes only what it made,
    /// and a folder with the lab's name may be the user's (or a lab kept with -Keep).
    /// </summary>
    internal static void ClaimDataFolder(string dataPath, string name)
    {
        if (Directory.Exists(dataPath) || File.Exists(dataPath))
        {
            var lab = File.Exists(Path.Combine(dataPath, MarkerFileName));
            throw new EtcdException(EtcdErrorIds.LabDataPathInUse, EtcdErrorCategory.ResourceExists,
                lab
                    ? $"The folder '{dataPath}' holds the data of an earlier lab (kept with -Keep or left by a lab that did not stop); a new lab does not reuse or delete it."
                    : $"The folder '{dataPath}' exists and was not made by a lab; Start-EtcdLab will not write into it (Stop-EtcdLab would delete it).",
                dataPath, lab
                    ? "Delete it yourself (Remove-Item -Recurse) when you no longer need it, or give another -Name or -DataPath."
                    : "Give another -Name or -DataPath: the lab makes the folder <DataPath>/<Name> itself.");
        }

        Directory.CreateDirectory(dataPath);
        File.WriteAllText(Path.Combine(dataPath, MarkerFileName),
            $"Made by EtcdPS Start-EtcdLab for the lab '{name}' at {DateTimeOffset.Now:o}. Stop-EtcdLab deletes this folder unless -Keep.\n");
    }

    /// <summary>Deletes a lab's data folder, only when the lab's marker is in it.</summary>
    internal static void DeleteLabFolder(string path)
    {
        if (File.Exists(Path.Combine(path, MarkerFileName)))
        {
            DeleteQuietly(path);
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
