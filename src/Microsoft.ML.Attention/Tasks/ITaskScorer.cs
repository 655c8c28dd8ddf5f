namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The inference side of one task: which input columns it reads, which output columns it adds (declared once, typed), and how it
/// scores rows. Implementations derive from <see cref="TaskScorer{TEncoded}"/>, which encodes each row once, scores in batches of
/// similar token length and puts the results back in the rows' order. A scorer that owns tensors (a bfloat16 copy) disposes them.
/// </summary>
internal interface ITaskScorer : IDisposable
{
    /// <summary>The input columns read for every row, in order (text columns, or vectors of text for the words of a sentence).</summary>
    IReadOnlyList<TaskInputColumn> InputColumns { get; }

    /// <summary>The added columns, in order.</summary>
    IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    /// <summary>
    /// Scores <paramref name="rows"/> (each with the values of the <see cref="InputColumns"/>), at most <paramref name="batchSize"/> rows per
    /// forward pass, checking <paramref name="cancellationToken"/> before each pass (and inside long rows, where a task has them).
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled; the scorer stays usable.</exception>
    ScoredRows Score(IReadOnlyList<InputRow> rows, int batchSize, CancellationToken cancellationToken);
}
