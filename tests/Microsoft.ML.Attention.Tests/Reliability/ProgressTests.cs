using Microsoft.ML.Attention.Tests.Estimators;

namespace Microsoft.ML.Attention.Tests.Reliability;

public class ProgressTests
{
    [Fact]
    public void Fit_reports_epoch_step_loss_learning_rate_and_rows_per_second_to_the_progress_channel()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyModels.MaskedLm(epochs: 2);
        options.BatchSize = 4;
        options.MaxSteps = 6;
        options.LogEverySteps = 2;
        MlNetInternals.TakeProgress(ml);

        using var model = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 16)));

        var checkpoints = MlNetInternals.TakeProgress(ml).Where(e => e.Name.Contains("Attention training") && e.Kind == "Progress").ToList();
        Assert.Equal([2.0, 4.0, 6.0], checkpoints.Select(c => c.Progress[1]!.Value));   // steps
        Assert.Equal([1.0, 1.0, 2.0], checkpoints.Select(c => c.Progress[0]!.Value));   // epochs (4 steps each)
        Assert.All(checkpoints, c =>
        {
            Assert.Equal(["Loss", "Learning rate", "Rows/s"], c.MetricNames);
            Assert.All(c.Metrics, m => Assert.True(m is > 0 && double.IsFinite(m.Value), $"metric {m}"));
        });
    }
}
