using System.Diagnostics;
using Spectre.Console;

namespace QuickStart;

/// <summary>One finished step of the quick start: what it did, what came out, how long it took.</summary>
internal sealed record StepResult(string Step, string Result, TimeSpan Time);

/// <summary>
/// Runs the quick start's steps one after another, each under its own progress task (a spinner until the step reports progress of
/// its own), times them, and keeps their results for the summary table.
/// </summary>
internal sealed class StepLog(ProgressContext progress)
{
    private readonly Stopwatch _total = Stopwatch.StartNew();

    /// <summary>The finished steps, in order.</summary>
    public List<StepResult> Results { get; } = [];

    /// <summary>The wall time since the first step started.</summary>
    public TimeSpan Elapsed => _total.Elapsed;

    /// <summary>
    /// Runs <paramref name="work"/> as the step <paramref name="step"/>: its progress task starts indeterminate (a spinner); the work may
    /// make it a bar (see <see cref="TrainingProgressBar"/>). <paramref name="describe"/> turns the work's value into the step's result.
    /// </summary>
    public T Run<T>(string step, Func<ProgressTask, T> work, Func<T, string> describe)
    {
        var task = progress.AddTask(Markup.Escape(step), maxValue: 1);
        task.IsIndeterminate = true;
        var watch = Stopwatch.StartNew();
        T value = work(task);
        string result = describe(value);
        task.IsIndeterminate = false;
        task.Value = task.MaxValue;
        task.Description = $"[green]done[/] {Markup.Escape(step)}";   // its result goes to the summary table
        task.StopTask();
        Results.Add(new StepResult(step, result, watch.Elapsed));
        return value;
    }

    /// <summary>The steps, their results and times as a table, with the total time last.</summary>
    public Table Summary()
    {
        var table = new Table().AddColumns("Step", "Result", "Time");
        table.Columns[2].RightAligned();
        foreach (var result in Results)
            table.AddRow(Markup.Escape(result.Step), Markup.Escape(result.Result), Seconds(result.Time));
        table.AddRow("[bold]Total[/]", "", $"[bold]{Seconds(Elapsed)}[/]");
        return table;
    }

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:F1} s";
}
