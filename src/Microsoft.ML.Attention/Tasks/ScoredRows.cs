namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The output values of a set of scored rows, one typed store per output column of the scorer (written through the columns' typed
/// <c>Set</c> methods, read through their getters).
/// </summary>
internal sealed class ScoredRows
{
    private readonly IReadOnlyList<TaskOutputColumn> _columns;
    private readonly OutputValues[] _values;

    public ScoredRows(IReadOnlyList<TaskOutputColumn> columns, int rowCount)
    {
        _columns = columns;
        RowCount = rowCount;
        _values = columns.Select(c => c.CreateValues(rowCount)).ToArray();
    }

    public int RowCount { get; }

    /// <summary>The values of output column <paramref name="index"/> (the scorer's order).</summary>
    public OutputValues this[int index] => _values[index];

    /// <summary>The values of <paramref name="column"/>, one of the columns these rows were made for.</summary>
    public OutputValues ValuesOf(TaskOutputColumn column)
    {
        for (int i = 0; i < _columns.Count; i++)
        {
            if (ReferenceEquals(_columns[i], column))
                return _values[i];
        }
        throw new ArgumentException($"Column '{column.Name}' is not an output of this scorer.", nameof(column));
    }
}
