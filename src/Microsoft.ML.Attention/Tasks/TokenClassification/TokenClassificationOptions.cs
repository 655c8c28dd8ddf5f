namespace Microsoft.ML.Attention;

/// <summary>
/// The columns, tag scheme, aggregation, windows and entity output of <see cref="TransformerTask.TokenClassification"/>
/// (<see cref="TransformerTextOptions.TokenClassification"/>). A sentence's words are joined by single spaces and tokenized; each word's
/// label is trained on its first sub-word, and every word gets exactly one prediction. A sentence longer than one window of
/// <see cref="TransformerTextOptions.MaxSequenceLength"/> positions is covered by overlapping windows, each word predicted from the window
/// where it has the most context. Every property documents its default; the estimator checks them when it is created. Copied at
/// <c>Fit</c> and saved with the model. See docs/token-classification.md.
/// </summary>
public sealed class TokenClassificationOptions
{
    /// <summary>
    /// The words of a sentence: a vector of text (one value per word, e.g. from <see cref="ConllReader"/>), or a text column, split on
    /// white space (ML.NET's <c>NamedEntityRecognition</c> reads a <c>Sentence</c> text). Which of the two is decided by the training
    /// data's column type and saved with the model. Default: <c>"Words"</c>.
    /// </summary>
    public string WordsColumnName { get; set; } = "Words";

    /// <summary>
    /// The training labels: a vector with one label per word, text (the classes are the distinct labels, in ordinal order) or keys
    /// (<c>MapValueToKey</c> on a vector of text; <c>PredictedLabel</c> then has the same key values). A row whose label count differs
    /// from its word count, or with a missing key, is skipped and counted in the log. Read by <c>Fit</c> only. Default: <c>"Label"</c>.
    /// </summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>
    /// How the labels mark entity spans (<see cref="TagScheme"/>): <see cref="TagScheme.None"/> for plain labels such as part-of-speech
    /// tags; IOB2, IOB1 or BIOES for spans (every label must then be <c>O</c> or a prefix of the scheme, a hyphen and a type). Needed
    /// by <see cref="AddEntities"/>. Default: <see cref="TagScheme.None"/>.
    /// </summary>
    public TagScheme TagScheme { get; set; } = TagScheme.None;

    /// <summary>
    /// How a word's prediction is made from its sub-words (Hugging Face's <c>first</c>, <c>average</c>, <c>max</c>). Default:
    /// <see cref="TokenAggregation.First"/> (the sub-word the label is trained on).
    /// </summary>
    public TokenAggregation Aggregation { get; set; } = TokenAggregation.First;

    /// <summary>
    /// Tokens between the starts of two consecutive windows of a long sentence (capped at a window's <c>MaxSequenceLength - 2</c> tokens,
    /// so that no token is skipped; Hugging Face's <c>stride</c> counts the overlap instead). Default: 128; at least 1.
    /// </summary>
    public int Stride { get; set; } = 128;

    /// <summary>
    /// Adds the entities of each sentence (Hugging Face's aggregation <c>simple</c>: adjacent words of one entity grouped) as vectors,
    /// one value per entity: <c>Entities</c> (text), <c>EntityTypes</c> (text), <c>EntityStarts</c> and <c>EntityLengths</c> (Int32
    /// characters in the input text; for a vector of words, in the words joined by single spaces) and <c>EntityScores</c> (Single: the mean
    /// probability of its words). Needs a <see cref="TagScheme"/> other than <see cref="TagScheme.None"/>, and text labels or keys with
    /// text key values. Default: false.
    /// </summary>
    public bool AddEntities { get; set; }

    /// <summary>
    /// Adds word-shape (case) features: each word's shape is computed from its text as given, before the tokenizer normalizes it
    /// (all lower case, capitalized, all capitals, mixed case, digits, other), every sub-word of the word gets its shape, and a learned
    /// shape embedding, zero at the start, is added to the input embeddings. This gives capitalization, the main cue for names, to an
    /// encoder whose tokenizer lower-cases (all-MiniLM-L6-v2, bert-base-uncased). Saved with the model; the ONNX export then has one more
    /// input, <c>word_shape_ids</c>. Default: true (docs/token-classification.md measures what it is worth
    /// with an uncased encoder); with a cased tokenizer the shapes repeat what
    /// the tokens already say, at the cost of 7 × D weights. false gives a model without them (as saved before format 0x00010003).
    /// </summary>
    public bool CaseFeatures { get; set; } = true;

    internal TokenClassificationOptions Clone() => (TokenClassificationOptions)MemberwiseClone();
}
