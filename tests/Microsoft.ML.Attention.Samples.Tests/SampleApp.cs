using System.Diagnostics;

namespace Microsoft.ML.Attention.Samples.Tests;

/// <summary>Runs a sample app of src/Samples as its own process, in quick mode, with no console input, and returns what it printed.</summary>
internal static class SampleApp
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Runs <paramref name="app"/> with <c>--quick --output <paramref name="output"/></c> and <paramref name="extra"/>; fails on a non-zero exit.</summary>
    public static string RunQuick(string app, string output, params string[] extra)
    {
        // The app builds next to this test project: src/Samples/<app>/bin/<Configuration>/<tfm>/<app>.dll.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        string dll = Path.Combine(RepoRoot, "src", "Samples", app, "bin", testBin.Parent!.Name, testBin.Name, app + ".dll");
        Assert.True(File.Exists(dll), $"The sample app is not built: {dll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (string arg in new[] { dll, "--quick", "--output", output }.Concat(extra))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();                       // no one types: the apps use their example inputs
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{app} did not finish in 300 s. Output so far:\n{stdout}");
        }
        Assert.True(process.ExitCode == 0, $"{app} exited with {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }

    /// <summary>The printed line that starts with <paramref name="prefix"/> (after leading blanks).</summary>
    public static string Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.TrimStart().StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No line starts with '{prefix}' in:\n{output}");

    public static string NewOutputFolder(string app) => Directory.CreateTempSubdirectory("mlattention-sample-" + app).FullName;

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlNetAttention.sln")))
                return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No folder above '{AppContext.BaseDirectory}' contains MlNetAttention.sln.");
    }
}
