using TorchSharp;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// (6) Memory: resident size and live TorchSharp tensors over 2,000 nanoGPT training steps and 10,000 single-sentence predictions
/// of the classifier (fewer in quick mode), sampled ten times each: flat means the last sample equals the first.
/// </summary>
internal static class MemorySection
{
    public static SectionResult Run(SuiteContext context)
    {
        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();

        int steps = context.Pick(200, 2000);
        var workload = TrainingWorkloads.NanoGpt(context.Datasets);
        try
        {
            Track("nanoGPT training steps", steps, workload.Step, rows, figures);
        }
        finally
        {
            workload.Dispose();
        }

        int predictions = context.Pick(1000, 10000);
        var ml = new MLContext(seed: 1);
        var sentences = Classifiers.Sst2(context.Datasets, 500);
        var model = Classifiers.Encoder(ml, context.Datasets, ml.Data.LoadFromEnumerable(sentences.Take(64).ToList()));
        var engine = ml.Model.CreatePredictionEngine<Classifiers.Sentence, Classifiers.ScoreRow>(model);
        int next = 0;
        Track("TextClassification predictions", predictions, () => engine.Predict(sentences[next++ % sentences.Count]), rows, figures);

        var notes = new List<string>
        {
            "Resident size from /proc/self/status (VmRSS), live tensors from TorchSharp's `DisposeScopeManager.Statistics.ThreadTotalLiveCount`; " +
            "the first sample is taken after the first 10 % of the iterations (allocator warm-up), then every 10 %.",
        };
        return new SectionResult("memory", "Memory over long runs",
            ["run", "iterations", "RSS first sample MiB", "RSS last sample MiB", "RSS max sample MiB", "live tensors first → last"], rows, notes, figures);
    }

    private static void Track(string name, int iterations, Action step, List<IReadOnlyList<string>> rows, Dictionary<string, double> figures)
    {
        var rss = new List<double>();
        var live = new List<long>();
        int every = Math.Max(1, iterations / 10);
        for (int i = 1; i <= iterations; i++)
        {
            step();
            if (i % every == 0)
            {
                rss.Add(SuiteContext.ResidentMiB().Current);
                live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            }
        }
        rows.Add([name, Format.N(iterations), Format.N(rss[0], 1), Format.N(rss[^1], 1), Format.N(rss.Max(), 1), $"{live[0]} → {live[^1]}"]);
        figures[$"{name}/rss_first_mib"] = rss[0];
        figures[$"{name}/rss_last_mib"] = rss[^1];
        figures[$"{name}/rss_max_mib"] = rss.Max();
        figures[$"{name}/live_tensors_first"] = live[0];
        figures[$"{name}/live_tensors_last"] = live[^1];
    }
}
