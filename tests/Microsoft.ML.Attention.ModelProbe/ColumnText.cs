using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

/// <summary>
/// The value of an output column as one line of text: vectors of numbers (floats, keys, Int32) space-separated, vectors of text joined by
/// " | ", floats in round-trip format ("R"), line breaks as "\n". Shared by the probe (a fresh process) and the tests that compare with it.
/// </summary>
internal static class ColumnText
{
    public static string Read(DataViewRow row, DataViewSchema.Column column)
    {
        var type = column.Type;
        if (type is VectorDataViewType vectorType && vectorType.ItemType.RawType == typeof(float))
        {
            VBuffer<float> vector = default;
            row.GetGetter<VBuffer<float>>(column)(ref vector);
            return string.Join(" ", vector.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        }
        if (type is VectorDataViewType { ItemType.RawType: var itemType } && itemType == typeof(uint))
        {
            VBuffer<uint> vector = default;
            row.GetGetter<VBuffer<uint>>(column)(ref vector);
            return string.Join(" ", vector.DenseValues().Select(v => v.ToString(CultureInfo.InvariantCulture)));
        }
        if (type is VectorDataViewType { ItemType.RawType: var intType } && intType == typeof(int))
        {
            VBuffer<int> vector = default;
            row.GetGetter<VBuffer<int>>(column)(ref vector);
            return string.Join(" ", vector.DenseValues().Select(v => v.ToString(CultureInfo.InvariantCulture)));
        }
        if (type is VectorDataViewType { ItemType: TextDataViewType })
        {
            VBuffer<ReadOnlyMemory<char>> vector = default;
            row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column)(ref vector);
            return string.Join(" | ", vector.DenseValues().Select(v => v.ToString().Replace("\n", "\\n")));
        }
        if (type.RawType == typeof(float))
        {
            float value = 0;
            row.GetGetter<float>(column)(ref value);
            return value.ToString("R", CultureInfo.InvariantCulture);
        }
        if (type.RawType == typeof(bool))
        {
            bool value = false;
            row.GetGetter<bool>(column)(ref value);
            return value.ToString();
        }
        if (type.RawType == typeof(uint))
        {
            uint value = 0;
            row.GetGetter<uint>(column)(ref value);
            return value.ToString(CultureInfo.InvariantCulture);
        }
        if (type.RawType == typeof(int))
        {
            int value = 0;
            row.GetGetter<int>(column)(ref value);
            return value.ToString(CultureInfo.InvariantCulture);
        }
        ReadOnlyMemory<char> text = default;
        row.GetGetter<ReadOnlyMemory<char>>(column)(ref text);
        return text.ToString().Replace("\n", "\\n");
    }
}
