namespace Microsoft.ML.Attention;

/// <summary>
/// What <see cref="TransformerTextEstimator"/> trains during <c>Fit</c> and what its transformer writes during <c>Transform</c>.
/// The values are saved in models as integers: a new task takes the next value, and no value is ever renumbered.
/// </summary>
public enum TransformerTask
{
    /// <summary>
    /// Pretrains a bidirectional encoder with the masked-language-modelling objective (BERT) on the text column.
    /// <c>Transform</c> writes a sentence embedding (mask-aware mean of the last hidden states) into the output column.
    /// </summary>
    MaskedLanguageModeling = 0,

    /// <summary>
    /// Pretrains a decoder-only language model (causal attention, next-token loss) on the text column: the rows are joined into one
    /// token stream (each row <c>[Bos] text [Eos]</c>) and cut into blocks of <see cref="Modeling.TransformerConfig.MaxSequenceLength"/>.
    /// <c>Transform</c> reads the prompt from the same column and writes the generated continuation (text, default column
    /// <c>"GeneratedText"</c>) as set by <see cref="TransformerTextOptions.Generation"/>.
    /// </summary>
    CausalLanguageModeling = 1,

    /// <summary>
    /// Fine-tunes a sequence classifier (pooled encoder output, then a linear head) on the text column, or on a pair of text
    /// columns (<see cref="TextClassificationOptions.SecondTextColumnName"/>), against <see cref="TextClassificationOptions.LabelColumnName"/>.
    /// A key-typed label (multiclass) gives <c>PredictedLabel</c> (key) and <c>Score</c> (class probabilities); a Boolean label
    /// (binary) gives <c>PredictedLabel</c> (Boolean), <c>Score</c> (logit) and <c>Probability</c>, as ML.NET's evaluators expect.
    /// </summary>
    TextClassification = 2,

    /// <summary>
    /// Extractive question answering (SQuAD): fine-tunes a span extractor (start and end logits per token) on a question column and
    /// a context column with the answer's text and character offset (<see cref="TransformerTextOptions.QuestionAnswering"/> names the
    /// columns and sets the windows of long contexts). <c>Transform</c> writes <c>Answer</c> (text, always a substring of the context),
    /// <c>AnswerStart</c> (<c>Int32</c> character offset in the context) and <c>Score</c> (<c>Single</c>: start logit + end logit).
    /// </summary>
    QuestionAnswering = 3,

    /// <summary>
    /// Token classification (part-of-speech tags, named-entity spans): fine-tunes a token classifier (a linear head on every sub-word)
    /// on the words of a sentence (a vector of text, or a text column split on white space) and one label per word, text or keys
    /// (<see cref="TransformerTextOptions.TokenClassification"/> names the columns and sets the tag scheme, aggregation and windows).
    /// <c>Transform</c> writes <c>PredictedLabel</c> (one label per word, of the label's type) and <c>Score</c> (one probability per
    /// word), and with <see cref="TokenClassificationOptions.AddEntities"/> the entity vectors.
    /// </summary>
    TokenClassification = 4,

    /// <summary>
    /// Fine-tunes a sentence encoder (pooled, optionally L2-normalized encoder output; sentence-transformers' bi-encoder) on
    /// (anchor, positive[, hard negative]) text pairs with in-batch negatives (<see cref="TransformerTextOptions.SentenceEmbedding"/>
    /// names the columns and sets the loss), usually from an imported encoder (<see cref="TransformerTextOptions.InitialModel"/>).
    /// <c>Transform</c> embeds <see cref="TransformerTextOptions.TextColumnName"/> into the output column (default <c>"Embedding"</c>, a
    /// float vector of the model dimension), as <c>ImportEncoder</c> does, so <c>AsEmbeddingGenerator()</c> works on the result.
    /// </summary>
    SentenceEmbedding = 5,

    /// <summary>
    /// Sentence similarity as a regression (ML.NET's <c>SentenceSimilarity</c>): a text, or a text pair
    /// (<see cref="SentenceSimilarityOptions.SecondTextColumnName"/>; a cross-encoder), → a <c>Single</c> <c>Score</c>, trained with mean
    /// squared error against <see cref="SentenceSimilarityOptions.LabelColumnName"/>; <c>mlContext.Regression.Evaluate</c> reads the output.
    /// </summary>
    SentenceSimilarity = 6,

    /// <summary>
    /// Sequence-to-sequence text (translation): trains an encoder–decoder with cross-attention from scratch on the source column
    /// (<see cref="TransformerTextOptions.TextColumnName"/>) and the target column (<see cref="TranslationOptions.TargetColumnName"/>),
    /// one joint vocabulary for both (learned from the pairs with <see cref="Tokenization.TokenizerKind.Subword"/>). <c>Transform</c> reads the source
    /// and writes the beam-searched target text (default column <c>"Translation"</c>) as set by <see cref="TransformerTextOptions.Translation"/>.
    /// </summary>
    Translation = 7,
}
