namespace Microsoft.ML.Attention;

/// <summary>
/// The columns and windows of <see cref="TransformerTask.QuestionAnswering"/> (<see cref="TransformerTextOptions.QuestionAnswering"/>).
/// A row is packed as <c>[CLS] question [SEP] context [SEP]</c> (token types 0 then 1); a context longer than one window is covered by
/// overlapping windows of <see cref="TransformerTextOptions.MaxSequenceLength"/> tokens, and the best span over all windows wins.
/// Every property documents its default; the estimator checks them when it is created. Copied at <c>Fit</c> and saved with the model.
/// </summary>
public sealed class QuestionAnsweringOptions
{
    /// <summary>The question column (text). Default: <c>"Question"</c> (as <see cref="SquadReader"/> writes it).</summary>
    public string QuestionColumnName { get; set; } = "Question";

    /// <summary>The context column (text): the paragraph the answer is taken from. Default: <c>"Context"</c>.</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>The training column of the answer's text (text; read by <c>Fit</c> only). Default: <c>"Answer"</c>.</summary>
    public string AnswerColumnName { get; set; } = "Answer";

    /// <summary>
    /// The training column of the answer's first character in the context: a UTF-16 offset, <c>Int32</c> or <c>Single</c> (read by
    /// <c>Fit</c> only). Default: <c>"AnswerStart"</c>.
    /// </summary>
    public string AnswerStartColumnName { get; set; } = "AnswerStart";

    /// <summary>
    /// Context tokens between the starts of two consecutive windows (at most a window's context length, so that no token is skipped;
    /// Hugging Face's <c>doc_stride</c> of the original BERT SQuAD script). Default: 128; at least 1.
    /// </summary>
    public int DocumentStride { get; set; } = 128;

    /// <summary>The most tokens of a predicted answer. Default: 30; at least 1.</summary>
    public int MaxAnswerLength { get; set; } = 30;

    /// <summary>Question tokens kept (the first ones); a window holds the rest of the context. Default: 64; at least 1.</summary>
    public int MaxQuestionLength { get; set; } = 64;

    /// <summary>
    /// Answers per row beyond the best one. At 1 (the default) <c>Transform</c> writes <c>Answer</c>, <c>AnswerStart</c> and <c>Score</c>;
    /// above 1 it also writes the vector columns <c>TopAnswers</c> (text), <c>TopAnswerStarts</c> (Int32) and <c>TopScores</c> (Single)
    /// of this length: the best distinct spans over all windows, best first (their first entry is <c>Answer</c>), padded with "", -1 and
    /// NaN when a context has fewer spans (as ML.NET's own question-answering trainer returns its top-K answers and scores as vectors).
    /// Default: 1; 1 to 100.
    /// </summary>
    public int TopAnswerCount { get; set; } = 1;

    /// <summary>
    /// The most windows one row's context may need when scoring (<c>Transform</c>, <c>PredictionEngine</c>, validation during
    /// <c>Fit</c>): a bound on the work one row can cause. A context that needs more is an error, a
    /// <see cref="ScoringLimitExceededException"/> naming the context column and this limit, raised after tokenizing only what the
    /// limit's windows hold and before any window is scored (truncating instead would answer from the first part of the text only,
    /// a confident answer that may be wrong). With the default stride, 64 windows of 384 tokens hold about 8,400 context tokens
    /// (some 35,000 characters of English); a SQuAD paragraph needs 1 to 3. Training reads every window of its rows. Saved with the
    /// model; models saved before it load with the default. Default: 64; at least 1.
    /// </summary>
    public int MaxWindowsPerRow { get; set; } = DefaultMaxWindowsPerRow;

    /// <summary>The default of <see cref="MaxWindowsPerRow"/>.</summary>
    public const int DefaultMaxWindowsPerRow = 64;

    internal QuestionAnsweringOptions Clone() => (QuestionAnsweringOptions)MemberwiseClone();
}
