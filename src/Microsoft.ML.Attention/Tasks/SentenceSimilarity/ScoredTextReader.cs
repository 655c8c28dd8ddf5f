using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Reads the text column(s) and the <c>Single</c> score column of a data view into memory for regression; missing texts become empty
/// strings. A non-finite score is left for the trainer's check, which names the column, the row and the value.
/// </summary>
internal static class ScoredTextReader
{
    /// <summary>Checks that <paramref name="labelColumn"/> is a <c>Single</c> column of <paramref name="schema"/>.</summary>
    public static void CheckLabel(IExceptionContext host, DataViewSchema schema, string labelColumn, string parameterName)
    {
        var column = schema.GetColumnOrNull(labelColumn) ?? throw host.ExceptSchemaMismatch(parameterName, "label", labelColumn);
        if (column.Type != NumberDataViewType.Single)
            throw host.ExceptSchemaMismatch(parameterName, "label", labelColumn, "Single", column.Type.ToString());
    }

    /// <summary>As <see cref="CheckLabel(IExceptionContext, DataViewSchema, string, string)"/>, on a schema shape.</summary>
    public static void CheckLabel(IExceptionContext host, SchemaShape schema, string labelColumn, string parameterName)
    {
        if (!schema.TryFindColumn(labelColumn, out var column))
            throw host.ExceptSchemaMismatch(parameterName, "label", labelColumn);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType != NumberDataViewType.Single)
            throw host.ExceptSchemaMismatch(parameterName, "label", labelColumn, "Single", column.GetTypeString());
    }

    public static List<ScoredText> Read(IDataView data, string textColumn, string? secondTextColumn, string labelColumn)
    {
        var text = data.Schema[textColumn];
        var second = secondTextColumn is null ? (DataViewSchema.Column?)null : data.Schema[secondTextColumn];
        var label = data.Schema[labelColumn];
        var read = second is { } s ? new[] { text, s, label } : [text, label];
        using var cursor = data.GetRowCursor(read.Distinct());
        var textGetter = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        var secondGetter = second is { } c ? cursor.GetGetter<ReadOnlyMemory<char>>(c) : null;
        var labelGetter = cursor.GetGetter<float>(label);
        var rows = new List<ScoredText>();
        ReadOnlyMemory<char> first = default, pair = default;
        float score = 0;
        while (cursor.MoveNext())
        {
            textGetter(ref first);
            secondGetter?.Invoke(ref pair);
            labelGetter(ref score);
            rows.Add(new ScoredText(first.ToString(), secondGetter is null ? null : pair.ToString(), score));
        }
        return rows;
    }
}
