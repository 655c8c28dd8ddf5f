using System.Globalization;
using TorchSharp;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>The hardware line of a suite run: CPU model, cores, libtorch threads, allocator setting and the load when it started.</summary>
internal sealed record MachineDescription(string Line, string LoadAverage)
{
    public static MachineDescription Capture(bool retainedFreedMemory)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        bool bf16 = File.Exists("/proc/cpuinfo") && File.ReadAllText("/proc/cpuinfo").Contains("avx512_bf16", StringComparison.Ordinal);
        string load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{cpu}, {Environment.ProcessorCount} cores{(bf16 ? ", avx512_bf16" : "")}; TorchSharp 0.107 (libtorch 2.10, CPU), " +
            $"{torch.get_num_threads()} torch thread(s) (OMP_NUM_THREADS={Environment.GetEnvironmentVariable("OMP_NUM_THREADS") ?? "unset"}); " +
            $"RetainFreedMemory {(retainedFreedMemory ? "on" : "off")}; load average at start {load}");
        return new MachineDescription(line, load);
    }
}
