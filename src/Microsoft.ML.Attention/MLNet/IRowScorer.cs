using Microsoft.ML.Data;

namespace Microsoft.ML.Attention;

/// <summary>
/// The inference side of one task: which input columns it reads, which output columns it adds, and how it scores a batch
/// of rows in one forward pass. Values are returned boxed, in the exact ML.NET representation of each output column.
/// </summary>
internal interface IRowScorer
{
    /// <summary>The text columns read for every row, in order.</summary>
    IReadOnlyList<string> InputColumnNames { get; }

    /// <summary>The added columns: name, type and (optional) annotations.</summary>
    IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

    /// <summary>Scores rows: <c>inputs[row][k]</c> is the text of input column k. Returns <c>values[row][outputColumn]</c>.</summary>
    object[][] Score(IReadOnlyList<string[]> inputs);
}
