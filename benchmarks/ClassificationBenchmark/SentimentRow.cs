namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>One labelled sentence (UCI sentiment or SST-2).</summary>
public sealed class SentimentRow
{
    /// <summary>The sentence.</summary>
    public string Text { get; set; } = "";

    /// <summary>true = positive.</summary>
    public bool Label { get; set; }
}
