using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Reads the text column(s) and the label of a data view into memory for classification. Rows whose label is missing
/// (key 0, e.g. a value <c>MapValueToKey</c> did not see) are skipped and counted. Missing texts become empty strings.
/// </summary>
internal static class LabeledTextReader
{
    public static (List<LabeledText> Examples, int MissingLabels) Read(IDataView data, string textColumn, string? secondTextColumn,
        string labelColumn, TextClassificationLabel label)
    {
        var text = data.Schema[textColumn];
        var second = secondTextColumn is null ? (DataViewSchema.Column?)null : data.Schema[secondTextColumn];
        var labelCol = data.Schema[labelColumn];
        var columns = second is { } s ? new[] { text, s, labelCol } : [text, labelCol];
        using var cursor = data.GetRowCursor(columns.Distinct());
        var textGetter = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        var secondGetter = second is { } c ? cursor.GetGetter<ReadOnlyMemory<char>>(c) : null;
        var labelGetter = LabelIndexGetter(cursor, labelCol, label.IsBinary);

        var examples = new List<LabeledText>();
        int missing = 0;
        ReadOnlyMemory<char> first = default, pair = default;
        while (cursor.MoveNext())
        {
            int index = labelGetter();
            if (index < 0)
            {
                missing++;
                continue;
            }
            textGetter(ref first);
            secondGetter?.Invoke(ref pair);
            examples.Add(new LabeledText(first.ToString(), secondGetter is null ? null : pair.ToString(), index));
        }
        return (examples, missing);
    }

    // The 0-based class index of the current row; -1 when the label is missing (key 0).
    private static Func<int> LabelIndexGetter(DataViewRowCursor cursor, DataViewSchema.Column column, bool binary)
    {
        if (binary)
        {
            var getter = cursor.GetGetter<bool>(column);
            return () => { bool v = false; getter(ref v); return v ? 1 : 0; };
        }
        var raw = column.Type.RawType;
        if (raw == typeof(byte)) return KeyGetter<byte>(cursor, column, v => v);
        if (raw == typeof(ushort)) return KeyGetter<ushort>(cursor, column, v => v);
        if (raw == typeof(uint)) return KeyGetter<uint>(cursor, column, v => v);
        return KeyGetter<ulong>(cursor, column, v => v);
    }

    private static Func<int> KeyGetter<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, ulong> toKey)
    {
        var getter = cursor.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return (int)toKey(value) - 1;
        };
    }
}
