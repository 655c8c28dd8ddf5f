using System.Diagnostics;
using Microsoft.ML.Attention.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// Where a BERT-small training step's time goes, in fp32 and bf16: forward + backward of each part of one
/// <see cref="TransformerBlock"/> (its linear layers, the attention between them, the feed-forward's GELU, norms and residual
/// adds) on the step's activations [B 16, T 256, D 256], then the whole block, four blocks, and the measured training step (the
/// peer section's workload): the rest is embeddings, loss and AdamW. It explains what the peer layer and bf16 ratios can and cannot gain.
/// </summary>
internal static class StepProfileSection
{
    public static SectionResult Run(SuiteContext context)
    {
        int repeats = context.Pick(3, 10);
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        int vocabulary = File.ReadLines(Path.Combine(context.Datasets, "vocab", "bert-base-uncased", "vocab.txt")).Count();
        var config = TrainingWorkloads.BertSmallConfig(vocabulary);
        var parts = new Dictionary<string, double[]>();
        var order = new List<string>();
        for (int precision = 0; precision < 2; precision++)
        {
            ScalarType? computeType = precision == 1 ? ScalarType.BFloat16 : null;
            manual_seed(1);
            using var block = new TransformerBlock(config, layerIndex: 0);
            block.train();
            using var norm = nn.LayerNorm(config.ModelDimension);
            using var input = randn(TrainingWorkloads.BertBatch, config.MaxSequenceLength, config.ModelDimension).requires_grad_(); // [B, T, D]
            var attention = block.Attention;
            var feedForward = block.FeedForward;
            // [B, T, F]: the feed-forward's inner activations, in the type the step has there (bf16 training: bf16 products' output)
            using var inner = randn(TrainingWorkloads.BertBatch, config.MaxSequenceLength, config.EffectiveFeedForwardDimension)
                .to(computeType ?? ScalarType.Float32).requires_grad_();

            void Record(string part, Func<Tensor> forward)
            {
                if (!parts.ContainsKey(part))
                {
                    parts[part] = new double[2];
                    order.Add(part);
                }

                parts[part][precision] = ForwardBackward(forward, computeType, repeats);
            }

            Record("QKV projection (256 → 768)", () => MixedPrecision.Linear(attention.QueryKeyValueProjection, input));
            Record("attention output projection (256 → 256)", () => MixedPrecision.Linear(attention.OutputProjection, input));
            Record("feed-forward up (256 → 1024)", () => MixedPrecision.Linear(Linear0(feedForward), input));
            Record("feed-forward down (1024 → 256)", () => MixedPrecision.Linear(Linear2(feedForward), inner));
            Record("GELU", () => nn.functional.gelu(inner));
            Record("residual add + LayerNorm, twice", () => norm.forward(norm.forward(input + input) + input));
            Record("self-attention module (projections + attention)", () => attention.forward(input, null, causal: false));
            Record("feed-forward module", () => feedForward.forward(input));
            Record("one TransformerBlock", () => block.forward(input, null, causal: false));
        }

        var workloads = new[] { TrainingWorkloads.BertSmall(context.Datasets, bfloat16: false), TrainingWorkloads.BertSmall(context.Datasets, bfloat16: true) };
        var steps = new double[2];
        try
        {
            for (int precision = 0; precision < 2; precision++)
                steps[precision] = TrainingWorkloads.SecondsPerStep(workloads[precision], warmUp: 2, context.Pick(2, 5));
        }
        finally
        {
            foreach (var workload in workloads)
                workload.Dispose();
        }

        foreach (var part in order)
            rows.Add(Row(part, parts[part], steps, 1));
        var attentionCore = new[]
        {
            parts["self-attention module (projections + attention)"][0] - parts["QKV projection (256 → 768)"][0] - parts["attention output projection (256 → 256)"][0],
            parts["self-attention module (projections + attention)"][1] - parts["QKV projection (256 → 768)"][1] - parts["attention output projection (256 → 256)"][1],
        };
        rows.Insert(order.IndexOf("self-attention module (projections + attention)") + 1, Row("→ attention itself (module − projections)", attentionCore, steps, 1));
        var layers = parts["one TransformerBlock"];
        rows.Add(Row($"{config.LayerCount} blocks", layers, steps, config.LayerCount));
        rows.Add(["training step (embeddings, 4 blocks, loss, AdamW)", Format.Ms(steps[0]), Format.Ms(steps[1]), "100 %", "100 %", Format.Ratio(steps[0] / steps[1])]);
        var linear = new[] { 0, 1 }.Select(p => order.Take(4).Sum(part => parts[part][p])).ToArray();
        for (int p = 0; p < 2; p++)
        {
            string name = p == 0 ? "fp32" : "bf16";
            figures[$"{name}/step_seconds"] = steps[p];
            figures[$"{name}/linear_share"] = config.LayerCount * linear[p] / steps[p];
            figures[$"{name}/attention_share"] = config.LayerCount * attentionCore[p] / steps[p];
        }

        var notes = new List<string>
        {
            $"Forward + backward of each part on BERT-small's activations (B = 16, T = 256, D = 256, FF 1024; a fixed dense output gradient), best of 3 rounds of {repeats}; " +
            "share = 4 × the part / the step (the blocks are 4). bf16 = `TrainingPrecision.BFloat16`'s mixed precision.",
            $"fp32: the four linear layers take {Format.Percent(figures["fp32/linear_share"])} of the step and attention itself {Format.Percent(figures["fp32/attention_share"])}; " +
            $"bf16: {Format.Percent(figures["bf16/linear_share"])} and {Format.Percent(figures["bf16/attention_share"])}.",
        };
        return new SectionResult("profile", "Where a BERT-small training step goes",
            ["part (per block unless said)", "fp32", "bf16", "fp32 share of step", "bf16 share of step", "bf16 speed-up"], rows, notes, figures);
    }

    private static IReadOnlyList<string> Row(string part, double[] seconds, double[] steps, int times) =>
        [part, Format.Ms(seconds[0] * times), Format.Ms(seconds[1] * times),
            Format.Percent(seconds[0] * (times == 1 ? 4 : times) / steps[0]), Format.Percent(seconds[1] * (times == 1 ? 4 : times) / steps[1]),
            Format.Ratio(seconds[0] / seconds[1])];

    private static TorchSharp.Modules.Linear Linear0(FeedForward feedForward) => (TorchSharp.Modules.Linear)feedForward.named_children().First(c => c.name == "w1").module;

    private static TorchSharp.Modules.Linear Linear2(FeedForward feedForward) => (TorchSharp.Modules.Linear)feedForward.named_children().First(c => c.name == "w2").module;

    // Seconds of one forward + backward (a fixed dense output gradient, as in training), best of 3 rounds of `repeats`.
    private static double ForwardBackward(Func<Tensor> forward, ScalarType? computeType, int repeats)
    {
        double best = double.MaxValue;
        Tensor? gradient = null;
        try
        {
            for (int round = 0; round < 4; round++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < repeats; i++)
                {
                    using var scope = NewDisposeScope();
                    Tensor output;
                    using (MixedPrecision.Enter(computeType))
                        output = forward();
                    gradient ??= randn_like(output).DetachFromDisposeScope();
                    output.backward([gradient]);
                }

                if (round > 0)
                    best = Math.Min(best, watch.Elapsed.TotalSeconds / repeats);
            }
        }
        finally
        {
            gradient?.Dispose();
        }

        return best;
    }
}
