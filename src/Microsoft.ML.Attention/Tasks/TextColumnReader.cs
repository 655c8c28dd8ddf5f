using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Reads a text column of a data view into memory (missing values become empty strings).</summary>
internal static class TextColumnReader
{
    public static List<string> Read(IDataView data, string columnName)
    {
        var column = data.Schema[columnName];
        var texts = new List<string>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            texts.Add(value.ToString());
        }
        return texts;
    }
}
