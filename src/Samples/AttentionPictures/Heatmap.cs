using Microsoft.ML.Attention;

namespace AttentionPictures;

/// <summary>Draws one attention head as a heatmap: rows are the tokens that attend (queries), columns the tokens attended to (keys).</summary>
public static class Heatmap
{
    /// <summary>Writes the heatmap of <paramref name="layer"/>/<paramref name="head"/> to <paramref name="path"/> (PNG).</summary>
    public static void Save(AttentionWeights attention, int layer, int head, string title, string path)
    {
        var matrix = attention.Head(layer, head);
        int count = attention.Tokens.Count;
        var values = new double[count, count];
        for (int query = 0; query < count; query++)
        {
            for (int key = 0; key < count; key++)
                values[query, key] = matrix[query, key];
        }

        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(values);           // row 0 (the first query) at the top
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        // Cell i is centred on i; rows count from the top.
        double[] columns = Enumerable.Range(0, count).Select(i => (double)i).ToArray();
        double[] rows = Enumerable.Range(0, count).Select(i => (double)(count - 1 - i)).ToArray();
        string[] labels = [.. attention.Tokens];
        plot.Axes.Bottom.SetTicks(columns, labels);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
        plot.Axes.Left.SetTicks(rows, labels);
        plot.Axes.Bottom.Label.Text = "key (attended to)";
        plot.Axes.Left.Label.Text = "query (attending)";
        plot.Title(title);
        plot.SavePng(path, 640, 560);
    }
}
