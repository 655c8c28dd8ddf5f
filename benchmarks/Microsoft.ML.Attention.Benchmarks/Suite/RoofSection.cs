using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// (1) Roof: fp32 and bf16 matrix-product throughput through TorchSharp (<c>torch.matmul</c>, libtorch's oneDNN/MKL kernels) at
/// the shapes the two training configs use, [M, K] x [K, N] with M = batch x context. Each model's roof is the best of its shapes;
/// the training section divides by it.
/// </summary>
internal static class RoofSection
{
    public const string NanoGpt = "nanoGPT";
    public const string BertSmall = "BERT-small";

    private static readonly (string Model, string Product, long M, long K, long N)[] Shapes =
    [
        (NanoGpt, "QKV projection", 12 * 64, 128, 384),
        (NanoGpt, "MLP up", 12 * 64, 128, 512),
        (NanoGpt, "MLP down", 12 * 64, 512, 128),
        (BertSmall, "QKV projection", 16 * 256, 256, 768),
        (BertSmall, "FF up", 16 * 256, 256, 1024),
        (BertSmall, "FF down", 16 * 256, 1024, 256),
        ("square", "2048 x 2048 x 2048", 2048, 2048, 2048),
    ];

    public static SectionResult Run(SuiteContext context)
    {
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        double seconds = context.Pick(0.25, 1.0);
        foreach (var (model, product, m, k, n) in Shapes)
        {
            double fp32 = Gflops(m, k, n, ScalarType.Float32, seconds);
            double bf16 = Gflops(m, k, n, ScalarType.BFloat16, seconds);
            rows.Add([model, product, $"{m} x {k} x {n}", Format.N(fp32, 1), Format.N(bf16, 1), Format.Ratio(bf16 / fp32)]);
            figures[$"{model}/{product}/fp32_gflops"] = fp32;
            figures[$"{model}/{product}/bf16_gflops"] = bf16;
            context.Float32Roof[model] = Math.Max(context.Float32Roof.GetValueOrDefault(model), fp32);
            context.BFloat16Roof[model] = Math.Max(context.BFloat16Roof.GetValueOrDefault(model), bf16);
        }

        var notes = new List<string>
        {
            "Roof of each model = its best shape: " + string.Join("; ", context.Float32Roof.Select(r =>
                $"{r.Key} fp32 {Format.N(r.Value, 1)}, bf16 {Format.N(context.BFloat16Roof[r.Key], 1)} GFLOP/s")) + ".",
            $"Each product repeated for at least {seconds} s after 2 warm-up calls; GFLOP/s = 2·M·K·N / time.",
        };
        return new SectionResult("roof", "Roof: matrix products through TorchSharp",
            ["model", "product", "M x K x N", "fp32 GFLOP/s", "bf16 GFLOP/s", "bf16 / fp32"], rows, notes, figures);
    }

    private static double Gflops(long m, long k, long n, ScalarType dtype, double seconds)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var a = randn(m, k).to(dtype); // [M, K]
        var b = randn(k, n).to(dtype); // [K, N]
        double perCall = SuiteContext.SecondsPerCall(() =>
        {
            using var product = matmul(a, b); // [M, N]
        }, seconds);
        return 2.0 * m * k * n / perCall / 1e9;
    }
}
