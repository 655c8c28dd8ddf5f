using System.Globalization;
using Microsoft.ML.Attention.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// Attention in bf16 training on the CPU: forward + backward of the attention core (Q, K, V [B, H, T, Dh] → output) at nanoGPT's
/// and BERT-small's sizes, four ways: float32 SDPA (the float32 fast path), libtorch's SDPA in bfloat16, float32 SDPA on bfloat16
/// inputs (cast in and out), and <see cref="ProductAttention"/> (bf16 products around a float32 softmax), which
/// <see cref="MultiHeadAttention"/> uses for bfloat16 on the CPU up to <see cref="MultiHeadAttention.MaxKeysForProductAttention"/> keys
/// (<see cref="MultiHeadAttention.MaxKeysForCausalProductAttention"/> for causal self-attention).
/// </summary>
internal static class AttentionBFloat16Section
{
    public static SectionResult Run(SuiteContext context)
    {
        var shapes = new (string Name, int Batch, int Heads, int Length, bool Causal)[]
        {
            ("nanoGPT", 12, 4, 64, true),
            ("BERT-small", 16, 8, 256, false),
            ("T = 256, causal", 8, 8, 256, true),
            ("T = 512", 4, 8, 512, false),
            ("T = 512, causal", 4, 8, 512, true),
        };
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        foreach (var (name, batch, heads, length, causal) in shapes)
        {
            manual_seed(1);
            using var q = randn(batch, heads, length, 32);
            using var k = randn(batch, heads, length, 32);
            using var v = randn(batch, heads, length, 32);
            double seconds = context.Pick(0.3, 1.0);
            double float32 = Time(q, k, v, ScalarType.Float32, seconds, (a, b, c) => nn.functional.scaled_dot_product_attention(a, b, c, is_casual: causal));
            double bf16Sdpa = Time(q, k, v, ScalarType.BFloat16, seconds, (a, b, c) => nn.functional.scaled_dot_product_attention(a, b, c, is_casual: causal));
            double castSdpa = Time(q, k, v, ScalarType.BFloat16, seconds, (a, b, c) => nn.functional.scaled_dot_product_attention(
                a.to(ScalarType.Float32), b.to(ScalarType.Float32), c.to(ScalarType.Float32), is_casual: causal).to(ScalarType.BFloat16));
            using var allowed = causal ? AttentionMask.Allowed(null, causal: true, length, length, CPU) : null;
            double products = Time(q, k, v, ScalarType.BFloat16, seconds, (a, b, c) => ProductAttention.Compute(a, b, c, allowed, 0, training: true));
            rows.Add([$"{name} (B {batch}, H {heads}, T {length}, Dh 32{(causal ? ", causal" : "")})", Format.Ms(float32), Format.Ms(bf16Sdpa),
                Format.Ms(castSdpa), Format.Ms(products), Format.Ratio(bf16Sdpa / products), Format.Ratio(float32 / products)]);
            string key = name.Replace(" ", "", StringComparison.Ordinal);
            figures[$"{key}/fp32_sdpa_seconds"] = float32;
            figures[$"{key}/bf16_sdpa_seconds"] = bf16Sdpa;
            figures[$"{key}/bf16_cast_to_fp32_sdpa_seconds"] = castSdpa;
            figures[$"{key}/bf16_product_attention_seconds"] = products;
        }

        var notes = new List<string>
        {
            "Forward + backward of the attention core alone (a fixed dense output gradient back to Q, K and V), Dh = 32. Library's bf16 path: " +
            "`ProductAttention` (QKᵀ and ·V in bfloat16, scores, mask and softmax in float32); beyond " +
            $"{MultiHeadAttention.MaxKeysForProductAttention.ToString(CultureInfo.InvariantCulture)} keys ({MultiHeadAttention.MaxKeysForCausalProductAttention.ToString(CultureInfo.InvariantCulture)} " +
            "for causal self-attention, where SDPA skips the masked half) `MultiHeadAttention` runs float32 SDPA on the bf16 inputs instead (it does not keep the [B, H, T, T] scores).",
        };
        return new SectionResult("attention-bf16", "Attention in bf16 training: libtorch's bf16 SDPA against the library's bf16 path",
            ["shape", "fp32 SDPA", "bf16 SDPA (libtorch)", "fp32 SDPA on bf16 inputs", "library bf16 path", "vs bf16 SDPA", "vs fp32 SDPA"], rows, notes, figures);
    }

    private static double Time(Tensor q, Tensor k, Tensor v, ScalarType type, double seconds, Func<Tensor, Tensor, Tensor, Tensor> attention)
    {
        using var query = q.to(type).requires_grad_();
        using var key = k.to(type).requires_grad_();
        using var value = v.to(type).requires_grad_();
        using var gradient = randn_like(q).to(type); // [B, H, T, Dh]: a dense output gradient, as in training
        return SuiteContext.SecondsPerCall(() =>
        {
            using var scope = NewDisposeScope();
            attention(query, key, value).backward([gradient]);
            query.grad?.zero_();
            key.grad?.zero_();
            value.grad?.zero_();
        }, seconds);
    }
}
