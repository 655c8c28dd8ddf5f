namespace Microsoft.ML.Attention;

/// <summary>
/// The settings of <see cref="TransformerTask.Translation"/> (<see cref="TransformerTextOptions.Translation"/>): the target column, the
/// trained subword vocabulary, the network's embeddings, the training loss and the beam search that <c>Transform</c> runs. The source is
/// <see cref="TransformerTextOptions.TextColumnName"/> and the output column <see cref="TransformerTextOptions.OutputColumnName"/>
/// (default <c>"Translation"</c>). Every property documents its default; the estimator checks them when it is created.
/// </summary>
public sealed class TranslationOptions
{
    /// <summary>The target text column, read only by <c>Fit</c> (rows with an empty source or target are skipped). Default: <c>"Target"</c>.</summary>
    public string TargetColumnName { get; set; } = "Target";

    /// <summary>
    /// The size of the subword vocabulary learned from the sources and targets when <see cref="TransformerTextOptions.Tokenizer"/> is
    /// <see cref="Tokenization.TokenizerKind.Subword"/> and there is no <see cref="TransformerTextOptions.InitialModel"/>, in [512, 1048576]. Default: <c>8000</c>.
    /// </summary>
    public int VocabularySize { get; set; } = 8000;

    /// <summary>One embedding table for the encoder, the decoder and the output layer (a joint vocabulary). Default: <c>true</c>.</summary>
    public bool ShareEmbeddings { get; set; } = true;

    /// <summary>Probability mass spread evenly over the vocabulary in the training loss, in [0, 1). Default: <c>0.1</c>.</summary>
    public double LabelSmoothing { get; set; } = 0.1;

    /// <summary>Hypotheses kept per row by the beam search of <c>Transform</c>; 1 = greedy decoding. Default: <c>4</c>.</summary>
    public int BeamSize { get; set; } = 4;

    /// <summary>Exponent of the length in a finished hypothesis's score (sum of log-probabilities / length^penalty); above 0 favours longer outputs. Default: <c>1.0</c>.</summary>
    public float LengthPenalty { get; set; } = 1.0f;

    /// <summary>Stop a row's beam search as soon as <see cref="BeamSize"/> hypotheses are finished. Default: <c>false</c>.</summary>
    public bool EarlyStopping { get; set; }

    /// <summary>No n-gram of this size appears twice in an output; 0 = off. Default: <c>0</c>.</summary>
    public int NoRepeatNgramSize { get; set; }

    /// <summary>The most tokens generated per row (also bounded by the decoder's MaxSequenceLength). Default: <c>64</c>.</summary>
    public int MaxNewTokens { get; set; } = 64;
}
