using System.Diagnostics;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>What every section of a suite run shares: the mode, the datasets folder, and the roof measured earlier in the same run.</summary>
internal sealed class SuiteContext
{
    public SuiteContext(bool quick, string datasets)
    {
        Quick = quick;
        Datasets = datasets;
    }

    /// <summary>true = <c>--quick</c> (fewer steps and sizes, under 3 minutes); false = <c>--full</c>.</summary>
    public bool Quick { get; }

    /// <summary>The repository's datasets/ folder.</summary>
    public string Datasets { get; }

    /// <summary>fp32 GEMM GFLOP/s at each model's sizes (the best of its shapes), set by the roof section; empty before it runs.</summary>
    public Dictionary<string, double> Float32Roof { get; } = new();

    /// <summary>bf16 GEMM GFLOP/s at each model's sizes (the best of its shapes), set by the roof section.</summary>
    public Dictionary<string, double> BFloat16Roof { get; } = new();

    /// <summary>Picks the quick or the full value.</summary>
    public T Pick<T>(T quick, T full) => Quick ? quick : full;

    /// <summary>Runs <paramref name="action"/> until at least <paramref name="seconds"/> have passed (and at least twice); returns seconds per call.</summary>
    public static double SecondsPerCall(Action action, double seconds, int warmUp = 2)
    {
        for (int i = 0; i < warmUp; i++)
            action();
        int calls = 0;
        var watch = Stopwatch.StartNew();
        while (calls < 2 || watch.Elapsed.TotalSeconds < seconds)
        {
            action();
            calls++;
        }
        return watch.Elapsed.TotalSeconds / calls;
    }

    /// <summary>The process's resident memory now and its peak so far, in MiB (Linux /proc/self/status; 0 elsewhere).</summary>
    public static (double Current, double Peak) ResidentMiB()
    {
        if (!File.Exists("/proc/self/status"))
            return (0, 0);
        double current = 0, peak = 0;
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                current = Kilobytes(line) / 1024.0;
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                peak = Kilobytes(line) / 1024.0;
        }
        return (current, peak);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
