namespace Microsoft.ML.Attention;

/// <summary>
/// The starting point of a <see cref="TransformerTextEstimator"/>: a saved model's path or a trained transformer in memory.
/// Converts implicitly from both, so <c>InitialModel = "encoder.zip"</c> and <c>InitialModel = trainedTransformer</c> both work.
/// </summary>
public sealed class TransformerInitialModel
{
    private TransformerInitialModel(string? path, TransformerTextTransformer? transformer)
    {
        Path = path;
        Transformer = transformer;
    }

    /// <summary>The path of a <c>.zip</c> saved by <c>mlContext.Model.Save</c>, or <c>null</c>.</summary>
    public string? Path { get; }

    /// <summary>A trained transformer, or <c>null</c>.</summary>
    public TransformerTextTransformer? Transformer { get; }

    /// <summary>A saved model's path.</summary>
    public static TransformerInitialModel FromFile(string path) => new(path ?? throw new ArgumentNullException(nameof(path)), null);

    /// <summary>A trained transformer.</summary>
    public static TransformerInitialModel FromTransformer(TransformerTextTransformer transformer) =>
        new(null, transformer ?? throw new ArgumentNullException(nameof(transformer)));

    /// <summary>A saved model's path.</summary>
    public static implicit operator TransformerInitialModel(string path) => FromFile(path);

    /// <summary>A trained transformer.</summary>
    public static implicit operator TransformerInitialModel(TransformerTextTransformer transformer) => FromTransformer(transformer);

    /// <inheritdoc/>
    public override string ToString() => Path ?? "in-memory TransformerTextTransformer";
}
