namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// (2) Training throughput and model FLOPs utilization: tokens/s of forward + backward + AdamW for nanoGPT's CPU config and
/// BERT-small in fp32 and bf16, and MFU = tokens/s x FLOPs per token (nanoGPT's <c>estimate_mfu</c>) / the same run's fp32 roof at the model's sizes.
/// </summary>
internal static class TrainingSection
{
    private const double BFloat16Goal = 2.0;

    public static SectionResult Run(SuiteContext context)
    {
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        var outcomes = new List<string>();
        var runs = new (string Model, Func<bool, TrainingWorkloads.Workload> Create, int Steps)[]
        {
            (RoofSection.NanoGpt, bf16 => TrainingWorkloads.NanoGpt(context.Datasets, bf16), context.Pick(20, 150)),
            (RoofSection.BertSmall, bf16 => TrainingWorkloads.BertSmall(context.Datasets, bf16), context.Pick(4, 25)),
        };
        foreach (var (model, create, steps) in runs)
        {
            // The precisions take turns (fp32, bf16, fp32, bf16); each keeps its faster round.
            var perStep = new[] { double.MaxValue, double.MaxValue };
            var workloads = new[] { create(false), create(true) };
            try
            {
                for (int round = 0; round < 2; round++)
                {
                    for (int precision = 0; precision < 2; precision++)
                        perStep[precision] = Math.Min(perStep[precision], TrainingWorkloads.SecondsPerStep(workloads[precision], warmUp: round == 0 ? 3 : 0, steps));
                }
            }
            finally
            {
                foreach (var workload in workloads)
                    workload.Dispose();
            }

            double roof = context.Float32Roof.GetValueOrDefault(model, double.NaN);
            double bf16Roof = context.BFloat16Roof.GetValueOrDefault(model, double.NaN);
            for (int precision = 0; precision < 2; precision++)
            {
                var workload = workloads[precision];
                string name = precision == 0 ? "fp32" : "bf16";
                double tokensPerSecond = workload.TokensPerStep / perStep[precision];
                double gflops = tokensPerSecond * workload.FlopsPerToken / 1e9;
                double speedUp = perStep[0] / perStep[precision];
                rows.Add([model, name, Format.N(workload.MatmulParameters), Format.N(workload.FlopsPerToken / 1e6, 2), steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Format.N(tokensPerSecond), Format.Ratio(speedUp), Format.N(gflops, 1), Format.N(roof, 1), Format.Percent(gflops / roof), Format.Percent(gflops / bf16Roof)]);
                figures[$"{model}/{name}/tokens_per_second"] = tokensPerSecond;
                figures[$"{model}/{name}/gflops"] = gflops;
                figures[$"{model}/{name}/mfu_fp32"] = gflops / roof;
                figures[$"{model}/{name}/mfu_bf16"] = gflops / bf16Roof;
                if (precision == 1)
                {
                    figures[$"{model}/bf16_speed_up"] = speedUp;
                    outcomes.Add($"{model} {(speedUp >= BFloat16Goal ? "**met**" : "**missed**")} ({Format.Ratio(speedUp)})");
                }
            }
        }

        var notes = new List<string>
        {
            "N counts the parameters that take part in matrix products (nanoGPT: all but the position table, the " +
            "tied embedding being the output layer; BERT-small: all but the token and position tables); FLOPs per token = 6N + 12·L·H·Dh·T.",
            "bf16 = `TrainingPrecision.BFloat16`'s mixed precision (bf16 matrix products on float32 weights; norms, softmax, loss and AdamW " +
            "in float32). The precisions take turns, two rounds each; each keeps its faster round.",
            "MFU against fp32 = how much of this CPU's fp32 matrix-product speed the training step reaches; against bf16 = against the bf16 roof.",
            $"Goal: bf16 ≥ {BFloat16Goal}× fp32 tokens/s: {string.Join("; ", outcomes)}.",
        };
        return new SectionResult("training", "Training throughput and MFU (fp32 and bf16)",
            ["model", "precision", "N", "MFLOPs / token", "timed steps", "tokens/s", "vs fp32", "GFLOP/s", "fp32 roof GFLOP/s", "MFU (fp32 roof)", "MFU (bf16 roof)"],
            rows, notes, figures);
    }
}
