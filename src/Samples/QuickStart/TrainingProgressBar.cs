using Microsoft.ML.Attention;
using Spectre.Console;

namespace QuickStart;

/// <summary>
/// A Spectre.Console progress bar fed by the library's own progress reports (<see cref="TransformerTextOptions.Progress"/>): <c>Fit</c>
/// calls <see cref="Report"/> on its training thread after every optimizer step, and the bar shows step of total steps, the epoch,
/// the loss and the speed. Not <see cref="Progress{T}"/>, which would post each report to the thread pool, late and out of order.
/// </summary>
internal sealed class TrainingProgressBar(ProgressTask task) : IProgress<AttentionTrainingProgress>
{
    private readonly string _title = task.Description;   // the step's name, markup already escaped

    /// <summary>The last report received, or null before the first step.</summary>
    public AttentionTrainingProgress? Last { get; private set; }

    public void Report(AttentionTrainingProgress value)
    {
        Last = value;
        task.IsIndeterminate = false;
        task.MaxValue = value.TotalSteps;
        task.Value = value.Step;
        task.Description = $"{_title} [grey]epoch {value.Epoch}/{value.Epochs}, loss {value.Loss:F3}, {value.RowsPerSecond:F0} rows/s[/]";
    }
}
