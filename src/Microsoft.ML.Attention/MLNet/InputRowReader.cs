using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.MLNet;

/// <summary>Reads a scorer's input columns from a row or cursor into an <see cref="InputRow"/> (text columns as text, vectors of text as words).</summary>
internal sealed class InputRowReader
{
    private readonly ValueGetter<ReadOnlyMemory<char>>?[] _texts;
    private readonly ValueGetter<VBuffer<ReadOnlyMemory<char>>>?[] _words;

    public InputRowReader(DataViewRow row, IReadOnlyList<TaskInputColumn> columns)
    {
        _texts = new ValueGetter<ReadOnlyMemory<char>>?[columns.Count];
        _words = new ValueGetter<VBuffer<ReadOnlyMemory<char>>>?[columns.Count];
        for (int k = 0; k < columns.Count; k++)
        {
            var column = row.Schema[columns[k].Name];
            if (columns[k].IsWords)
                _words[k] = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
            else
                _texts[k] = row.GetGetter<ReadOnlyMemory<char>>(column);
        }
    }

    /// <summary>The columns' indices in <paramref name="schema"/>.</summary>
    public static int[] Indices(DataViewSchema schema, IReadOnlyList<TaskInputColumn> columns) => [.. columns.Select(c => schema[c.Name].Index)];

    /// <summary>The current row's values.</summary>
    public InputRow Read()
    {
        var values = new string[_texts.Length][];
        for (int k = 0; k < values.Length; k++)
        {
            if (_texts[k] is { } text)
            {
                ReadOnlyMemory<char> value = default;
                text(ref value);
                values[k] = [value.ToString()];
            }
            else
            {
                VBuffer<ReadOnlyMemory<char>> value = default;
                _words[k]!(ref value);
                values[k] = [.. value.DenseValues().Select(w => w.ToString())];
            }
        }
        return new InputRow(values);
    }
}
