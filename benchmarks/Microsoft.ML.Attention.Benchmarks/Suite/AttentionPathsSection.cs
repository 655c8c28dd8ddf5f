using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Attention.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// (4) Attention paths: one <see cref="MultiHeadAttention"/> layer (d = 256, 8 heads, causal, B = 4), forward + backward, with the
/// SDPA fast path and with the written-out reference path, T = 128 … 1024. Time is measured in this process; peak memory in a
/// fresh child process per point (this program with <c>attention-probe PATH T</c>), as the growth of the peak resident size
/// (VmHWM) over the resident size before the pass, so that memory kept by earlier sections does not hide it.
/// </summary>
internal static class AttentionPathsSection
{
    private const int Batch = 4;

    public static SectionResult Run(SuiteContext context)
    {
        int[] lengths = context.Pick(new[] { 128, 512 }, new[] { 128, 256, 512, 1024 });
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        foreach (int length in lengths)
        {
            double fast = Seconds(length, reference: false, context.Pick(0.3, 1.0));
            double slow = Seconds(length, reference: true, context.Pick(0.3, 1.0));
            double fastMemory = ProbePeak("fast", length), slowMemory = ProbePeak("reference", length);
            rows.Add([length.ToString(CultureInfo.InvariantCulture), Format.Ms(fast), Format.Ms(slow), Format.Ratio(slow / fast),
                Format.N(fastMemory, 1), Format.N(slowMemory, 1)]);
            figures[$"T{length}/fast_seconds"] = fast;
            figures[$"T{length}/reference_seconds"] = slow;
            figures[$"T{length}/fast_peak_mib"] = fastMemory;
            figures[$"T{length}/reference_peak_mib"] = slowMemory;
        }

        var notes = new List<string>
        {
            $"One attention layer, d = 256, 8 heads (Dh = 32), causal, B = {Batch}, float32, forward + backward of sum(output). Fast path: " +
            "`scaled_dot_product_attention` with `is_casual`; reference path: softmax(QKᵀ/√Dh + mask)·V written out (the [B, H, T, T] scores are materialized).",
            "Peak memory: growth of the peak resident size during one forward + backward in a fresh process (glibc's default allocator, which returns large blocks).",
        };
        return new SectionResult("attention", "Attention paths: SDPA fast path against the reference path",
            ["T", "fast path", "reference path", "reference / fast", "fast peak MiB", "reference peak MiB"], rows, notes, figures);
    }

    /// <summary>The child-process side: one forward + backward, then prints the growth of the peak resident size in MiB.</summary>
    public static int Probe(string path, int length)
    {
        using var layer = Layer(path == "reference");
        using var hidden = Input(length);
        var before = SuiteContext.ResidentMiB().Current;
        Pass(layer, hidden);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak_mib={SuiteContext.ResidentMiB().Peak - before:F1}"));
        return 0;
    }

    private static double Seconds(int length, bool reference, double seconds)
    {
        using var layer = Layer(reference);
        using var hidden = Input(length);
        return SuiteContext.SecondsPerCall(() => Pass(layer, hidden), seconds);
    }

    private static MultiHeadAttention Layer(bool reference)
    {
        manual_seed(1);
        var config = new TransformerConfig { VocabularySize = 16, ModelDimension = 256, HeadCount = 8, LayerCount = 1, MaxSequenceLength = 1024, Dropout = 0, AttentionDropout = 0 };
        return new MultiHeadAttention(config, 0) { UseReferenceAttention = reference };
    }

    private static Tensor Input(int length) => randn(Batch, length, 256).requires_grad_(true); // [B, T, D]

    private static void Pass(MultiHeadAttention layer, Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var output = layer.forward(hidden, null, causal: true); // [B, T, D]
        output.sum().backward();
        hidden.grad?.zero_();
        layer.zero_grad();
    }

    private static double ProbePeak(string path, int length)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(AttentionPathsSection).Assembly.Location);
        foreach (string argument in new[] { "attention-probe", path, length.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        using var child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("peak_mib=", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"attention-probe {path} {length} failed (exit {child.ExitCode}): {output}");
        return double.Parse(line["peak_mib=".Length..], CultureInfo.InvariantCulture);
    }
}
