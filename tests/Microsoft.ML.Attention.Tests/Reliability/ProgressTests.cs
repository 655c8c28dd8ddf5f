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

    [Fact]
    public void Fit_reports_every_step_to_the_Progress_option_with_the_figures_of_the_progress_channel()
    {
        var ml = new MLContext(seed: 1);
        var reports = new StepRecorder();
        var options = TinyModels.MaskedLm(epochs: 2);
        options.BatchSize = 4;
        options.MaxSteps = 6;
        options.LogEverySteps = 2;
        options.Progress = reports;
        MlNetInternals.TakeProgress(ml);

        using var model = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 16)));

        Assert.Equal([1, 2, 3, 4, 5, 6], reports.Steps.Select(r => r.Step));
        Assert.Equal([1, 1, 1, 1, 2, 2], reports.Steps.Select(r => r.Epoch));   // 16 rows / batch 4 = 4 steps per epoch
        Assert.All(reports.Steps, r =>
        {
            Assert.Equal((2, 6), (r.Epochs, r.TotalSteps));
            Assert.True(r.Loss > 0 && double.IsFinite(r.Loss), $"loss {r.Loss}");
            Assert.True(r.LearningRate > 0 && double.IsFinite(r.LearningRate), $"learning rate {r.LearningRate}");
            Assert.True(r.RowsPerSecond > 0 && double.IsFinite(r.RowsPerSecond), $"rows/s {r.RowsPerSecond}");
        });
        var checkpoints = MlNetInternals.TakeProgress(ml).Where(e => e.Name.Contains("Attention training") && e.Kind == "Progress").ToList();
        var reported = reports.Steps.Where(r => r.Step % 2 == 0).Select(r => new double?[] { r.Loss, r.LearningRate, r.RowsPerSecond });
        Assert.Equal(reported, checkpoints.Select(c => c.Metrics));
    }

    /// <summary>Keeps every report in the order the training thread sends them (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class StepRecorder : IProgress<AttentionTrainingProgress>
    {
        public List<AttentionTrainingProgress> Steps { get; } = [];

        public void Report(AttentionTrainingProgress value) => Steps.Add(value);
    }
}
