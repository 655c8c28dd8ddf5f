namespace Microsoft.ML.Attention.Training;

/// <summary>
/// Whether this CPU has bfloat16 instructions, from the flags Linux lists in <c>/proc/cpuinfo</c> (hand-written: neither .NET nor
/// TorchSharp exposes libtorch's own check). false where the file does not exist (other operating systems).
/// </summary>
internal static class BFloat16Support
{
    private static readonly Lazy<bool> Cpu = new(() => File.Exists(CpuInfoPath) && HasBFloat16Flag(File.ReadLines(CpuInfoPath)));

    private const string CpuInfoPath = "/proc/cpuinfo";

    /// <summary>true when the CPU reports bf16 instructions (read once per process).</summary>
    public static bool OnCpu => Cpu.Value;

    /// <summary>
    /// true when a <c>flags</c> (x64) or <c>Features</c> (Arm64) line of <c>/proc/cpuinfo</c> names <c>avx512_bf16</c>,
    /// <c>amx_bf16</c> or <c>bf16</c>.
    /// </summary>
    public static bool HasBFloat16Flag(IEnumerable<string> cpuInfoLines) => cpuInfoLines
        .Where(line => line.StartsWith("flags", StringComparison.Ordinal) || line.StartsWith("Features", StringComparison.Ordinal))
        .SelectMany(line => line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Any(flag => flag is "avx512_bf16" or "amx_bf16" or "bf16");
}
