namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// (2) Training throughput and model FLOPs utilization: tokens/s of forward + backward + AdamW for nanoGPT's CPU config and
/// BERT-small, and MFU = tokens/s x FLOPs per token (nanoGPT's <c>estimate_mfu</c>) / the same run's fp32 roof at the model's sizes.
/// </summary>
internal static class TrainingSection
{
    public static SectionResult Run(SuiteContext context)
    {
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        var runs = new (string Model, Func<TrainingWorkloads.Workload> Create, int Steps)[]
        {
            (RoofSection.NanoGpt, () => TrainingWorkloads.NanoGpt(context.Datasets), context.Pick(20, 150)),
            (RoofSection.BertSmall, () => TrainingWorkloads.BertSmall(context.Datasets), context.Pick(4, 25)),
        };
        foreach (var (model, create, steps) in runs)
        {
            var workload = create();
            try
            {
                double perStep = TrainingWorkloads.SecondsPerStep(workload, warmUp: 3, steps);
                double tokensPerSecond = workload.TokensPerStep / perStep;
                double gflops = tokensPerSecond * workload.FlopsPerToken / 1e9;
                double roof = context.Float32Roof.GetValueOrDefault(model, double.NaN);
                double bf16Roof = context.BFloat16Roof.GetValueOrDefault(model, double.NaN);
                rows.Add([model, Format.N(workload.MatmulParameters), Format.N(workload.FlopsPerToken / 1e6, 2), steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Format.N(tokensPerSecond), Format.N(gflops, 1), Format.N(roof, 1), Format.Percent(gflops / roof), Format.Percent(gflops / bf16Roof)]);
                figures[$"{model}/tokens_per_second"] = tokensPerSecond;
                figures[$"{model}/gflops"] = gflops;
                figures[$"{model}/mfu_fp32"] = gflops / roof;
                figures[$"{model}/mfu_bf16"] = gflops / bf16Roof;
            }
            finally
            {
                workload.Dispose();
            }
        }

        var notes = new List<string>
        {
            "float32 training; N counts the parameters that take part in matrix products (nanoGPT: all but the position table, the " +
            "tied embedding being the output layer; BERT-small: all but the token and position tables); FLOPs per token = 6N + 12·L·H·Dh·T.",
            "MFU against fp32 = how much of this CPU's fp32 matrix-product speed the training step reaches; against bf16 = the room left for bf16 training.",
        };
        return new SectionResult("training", "Training throughput and MFU (fp32)",
            ["model", "N", "MFLOPs / token", "timed steps", "tokens/s", "GFLOP/s", "fp32 roof GFLOP/s", "MFU (fp32 roof)", "MFU (bf16 roof)"],
            rows, notes, figures);
    }
}
