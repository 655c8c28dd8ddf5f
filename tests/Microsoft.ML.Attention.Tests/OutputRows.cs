namespace Microsoft.ML.Attention.Tests;

/// <summary>Output columns read as text (<c>ColumnText</c>), from a data view or row by row through the mapper PredictionEngine uses.</summary>
internal static class OutputRows
{
    public static List<string[]> Read(IDataView output, IReadOnlyList<string> names)
    {
        var columns = names.Select(name => output.Schema[name]).ToArray();
        using var cursor = output.GetRowCursor(columns);
        var rows = new List<string[]>();
        while (cursor.MoveNext())
            rows.Add(columns.Select(c => ColumnText.Read(cursor, c)).ToArray());
        return rows;
    }

    public static List<string[]> RowByRow(TransformerTextTransformer model, IDataView data)
    {
        var mapper = model.GetRowToRowMapper(data.Schema);
        var columns = model.OutputColumnNames.Select(name => mapper.OutputSchema[name]).ToArray();
        using var cursor = data.GetRowCursor(data.Schema);
        using var row = mapper.GetRow(cursor, columns);
        var rows = new List<string[]>();
        while (cursor.MoveNext())
            rows.Add(columns.Select(c => ColumnText.Read(row, c)).ToArray());
        return rows;
    }
}
