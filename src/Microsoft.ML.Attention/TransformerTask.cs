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
    /// Sequence-to-sequence text (translation): trains an encoder–decoder with cross-attention from scratch on the source column
    /// (<see cref="TransformerTextOptions.TextColumnName"/>) and the target column (<see cref="TranslationOptions.TargetColumnName"/>),
    /// one joint vocabulary for both (learned from the pairs with <see cref="Tokenization.TokenizerKind.Subword"/>). <c>Transform</c> reads the source
    /// and writes the beam-searched target text (default column <c>"Translation"</c>) as set by <see cref="TransformerTextOptions.Translation"/>.
    /// </summary>
    Translation = 7,
}
