namespace AttentionPictures;

/// <summary>Draws training and validation loss against the training step.</summary>
public static class LossCurves
{
    /// <summary>Writes the curves to <paramref name="path"/> (PNG).</summary>
    public static void Save(IReadOnlyList<(int Step, double Loss)> training, IReadOnlyList<(int Step, double Loss)> validation, string title, string path)
    {
        var plot = new ScottPlot.Plot();
        var train = plot.Add.Scatter(training.Select(p => (double)p.Step).ToArray(), training.Select(p => p.Loss).ToArray());
        train.LegendText = "training loss (mean over the last logging window)";
        var valid = plot.Add.Scatter(validation.Select(p => (double)p.Step).ToArray(), validation.Select(p => p.Loss).ToArray());
        valid.LegendText = "validation loss (held-out text)";
        valid.MarkerSize = 8;
        plot.ShowLegend();
        plot.Axes.Bottom.Label.Text = "training step";
        plot.Axes.Left.Label.Text = "next-token cross-entropy (nats)";
        plot.Title(title);
        plot.SavePng(path, 720, 420);
    }
}
