using Microsoft.ML.Attention;

namespace AttentionPictures;

/// <summary>Draws attention weights as heatmaps: rows are the tokens that attend (queries), columns the tokens attended to (keys).</summary>
public static class Heatmap
{
    /// <summary>Writes the self-attention heatmap of <paramref name="layer"/>/<paramref name="head"/> to <paramref name="path"/> (PNG).</summary>
    public static void Save(AttentionWeights attention, int layer, int head, string title, string path) =>
        Save(attention.Head(layer, head), attention.Tokens, attention.Tokens, "key (attended to)", "query (attending)", title, path, 640, 560);

    /// <summary>Writes a cross-attention matrix [target, source] (one head, or a mean) to <paramref name="path"/> (PNG).</summary>
    public static void Save(CrossAttentionWeights attention, float[,] matrix, string title, string path) =>
        Save(matrix, Visible(attention.TargetTokens), Visible(attention.SourceTokens), "source token (English, attended to)",
            "target token written (Spanish)", title, path, 40 + 22 * attention.SourceTokens.Count, 120 + 18 * attention.TargetTokens.Count);

    private static void Save(float[,] matrix, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, string columnTitle, string rowTitle,
        string title, string path, int width, int height)
    {
        int rowCount = rowLabels.Count, columnCount = columnLabels.Count;
        var values = new double[rowCount, columnCount];
        for (int row = 0; row < rowCount; row++)
        {
            for (int column = 0; column < columnCount; column++)
                values[row, column] = matrix[row, column];
        }

        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(values);           // row 0 (the first query) at the top
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        // Cell i is centred on i; rows count from the top.
        double[] columns = Enumerable.Range(0, columnCount).Select(i => (double)i).ToArray();
        double[] rows = Enumerable.Range(0, rowCount).Select(i => (double)(rowCount - 1 - i)).ToArray();
        plot.Axes.Bottom.SetTicks(columns, [.. columnLabels]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        plot.Axes.Left.SetTicks(rows, [.. rowLabels]);
        plot.Axes.Bottom.Label.Text = columnTitle;
        plot.Axes.Left.Label.Text = rowTitle;
        plot.Title(title);
        plot.SavePng(path, Math.Max(width, 640), Math.Max(height, 560));
    }

    // Subword pieces keep the space before a word (" tierra"); a leading '_' shows it on the axis.
    private static List<string> Visible(IReadOnlyList<string> tokens) => [.. tokens.Select(t => t.StartsWith(' ') ? "_" + t.TrimStart() : t)];
}
