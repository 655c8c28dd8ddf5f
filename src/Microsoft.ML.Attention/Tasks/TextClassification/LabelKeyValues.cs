using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The key values of a key-typed label column (its <c>KeyValues</c> annotation: class i+1's name or value), kept as invariant
/// text so that they save compactly and come back with their original item type.
/// Supported item types: Text, Boolean, Single, Double, Int32, Int64, UInt32, UInt64 (what <c>MapValueToKey</c> usually sees).
/// </summary>
internal sealed class LabelKeyValues
{
    private static readonly PrimitiveDataViewType[] SupportedTypes =
    [
        TextDataViewType.Instance, BooleanDataViewType.Instance, NumberDataViewType.Single, NumberDataViewType.Double,
        NumberDataViewType.Int32, NumberDataViewType.Int64, NumberDataViewType.UInt32, NumberDataViewType.UInt64,
    ];

    private readonly int _typeCode;

    private LabelKeyValues(int typeCode, string[] values)
    {
        _typeCode = typeCode;
        Values = values;
    }

    /// <summary>The item type of the key values.</summary>
    public PrimitiveDataViewType ItemType => SupportedTypes[_typeCode];

    /// <summary>The values as invariant text, class 0 first (these are also the Score column's slot names).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>
    /// The key values of <paramref name="column"/>, or null when it has none. Throws when they are of an unsupported type
    /// or do not match the key count.
    /// </summary>
    public static LabelKeyValues? FromColumn(IExceptionContext host, DataViewSchema.Column column, int classCount)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues);
        if (annotation is null)
            return null;
        var itemType = (annotation.Value.Type as VectorDataViewType)?.ItemType;
        int typeCode = Array.FindIndex(SupportedTypes, t => t.Equals(itemType));
        if (typeCode < 0)
            throw host.Except($"Label column '{column.Name}' has key values of type {itemType}; supported: {string.Join(", ", SupportedTypes.Select(t => t.ToString()))}.");
        var values = typeCode switch
        {
            0 => Read<ReadOnlyMemory<char>>(column, v => v.ToString()),
            1 => Read<bool>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            2 => Read<float>(column, v => v.ToString("R", CultureInfo.InvariantCulture)),
            3 => Read<double>(column, v => v.ToString("R", CultureInfo.InvariantCulture)),
            4 => Read<int>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            5 => Read<long>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            6 => Read<uint>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            _ => Read<ulong>(column, v => v.ToString(CultureInfo.InvariantCulture)),
        };
        if (values.Length != classCount)
            throw host.Except($"Label column '{column.Name}' has {values.Length} key values for a key type of {classCount} values.");
        return new LabelKeyValues(typeCode, values);
    }

    /// <summary>Adds a <c>KeyValues</c> annotation with the original item type.</summary>
    public void AddKeyValues(DataViewSchema.Annotations.Builder builder)
    {
        switch (_typeCode)
        {
            case 0: Add(builder, v => v.AsMemory()); break;
            case 1: Add(builder, bool.Parse); break;
            case 2: Add(builder, v => float.Parse(v, CultureInfo.InvariantCulture)); break;
            case 3: Add(builder, v => double.Parse(v, CultureInfo.InvariantCulture)); break;
            case 4: Add(builder, v => int.Parse(v, CultureInfo.InvariantCulture)); break;
            case 5: Add(builder, v => long.Parse(v, CultureInfo.InvariantCulture)); break;
            case 6: Add(builder, v => uint.Parse(v, CultureInfo.InvariantCulture)); break;
            default: Add(builder, v => ulong.Parse(v, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>Adds a <c>SlotNames</c> annotation: the values as text.</summary>
    public void AddSlotNames(DataViewSchema.Annotations.Builder builder)
    {
        var names = Values.Select(v => v.AsMemory()).ToArray();
        builder.AddSlotNames(names.Length, (ref VBuffer<ReadOnlyMemory<char>> dst) => dst = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone()));
    }

    // *** Binary format ***
    // int: item type (index into SupportedTypes)
    // int: count
    // string[count]: values (invariant text)
    public void Save(BinaryWriter writer)
    {
        writer.Write(_typeCode);
        writer.Write(Values.Count);
        foreach (var value in Values)
            writer.Write(value);
    }

    public static LabelKeyValues Load(BinaryReader reader)
    {
        int typeCode = reader.ReadInt32();
        int count = reader.ReadInt32();
        if (typeCode < 0 || typeCode >= SupportedTypes.Length || count < 0)
            throw new InvalidDataException($"The saved model has invalid label key values (type {typeCode}, count {count}).");
        var values = new string[count];
        for (int i = 0; i < count; i++)
            values[i] = reader.ReadString();
        return new LabelKeyValues(typeCode, values);
    }

    private static string[] Read<T>(DataViewSchema.Column column, Func<T, string> format)
    {
        VBuffer<T> buffer = default;
        column.GetKeyValues(ref buffer);
        return buffer.DenseValues().Select(format).ToArray();
    }

    private void Add<T>(DataViewSchema.Annotations.Builder builder, Func<string, T> parse)
    {
        var values = Values.Select(parse).ToArray();
        builder.AddKeyValues(values.Length, ItemType, (ref VBuffer<T> dst) => dst = new VBuffer<T>(values.Length, (T[])values.Clone()));
    }
}
