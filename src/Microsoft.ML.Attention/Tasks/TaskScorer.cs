namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// A scorer read as Hugging Face's pipelines read: encode (<see cref="Encode"/>, once per row) → forward and write
/// (<see cref="ScoreBatch"/>, once per batch). Rows are scored in order of their encoded length in tokens (a stable sort: equal lengths
/// keep their order), so that each batch is padded only to its own longest row; results land at each row's own index.
/// </summary>
/// <typeparam name="TEncoded">A row as the task encodes it.</typeparam>
internal abstract class TaskScorer<TEncoded> : ITaskScorer
{
    public abstract IReadOnlyList<TaskInputColumn> InputColumns { get; }

    public abstract IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    /// <summary>Encodes one row (its values in the order of <see cref="InputColumns"/>).</summary>
    protected abstract TEncoded Encode(InputRow row);

    /// <summary>The encoded row's length in tokens: what batches are grouped by.</summary>
    protected abstract int Length(TEncoded row);

    /// <summary>Runs one forward pass over <paramref name="batch"/> and writes row j's outputs at index <paramref name="outputRows"/>[j] of <paramref name="output"/>.</summary>
    protected abstract void ScoreBatch(IReadOnlyList<TEncoded> batch, ScoredRows output, IReadOnlyList<int> outputRows, CancellationToken cancellationToken);

    public ScoredRows Score(IReadOnlyList<InputRow> rows, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var encoded = new TEncoded[rows.Count];
        var lengths = new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            encoded[i] = Encode(rows[i]);
            lengths[i] = Length(encoded[i]);
        }
        int[] order = Enumerable.Range(0, rows.Count).OrderBy(i => lengths[i]).ToArray();
        var output = new ScoredRows(OutputColumns, rows.Count);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int[] chunk = order[start..Math.Min(order.Length, start + batchSize)];
            ScoreBatch(chunk.Select(i => encoded[i]).ToList(), output, chunk, cancellationToken);
        }
        return output;
    }

    /// <summary>Text columns, in order: what most tasks read.</summary>
    protected static IReadOnlyList<TaskInputColumn> TextColumns(IEnumerable<string> names) => [.. names.Select(n => new TaskInputColumn(n))];

    public virtual void Dispose()
    {
    }
}
