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
    /// <summary>The item type codes as saved in models: each value is fixed forever (never renumbered, never reordered).</summary>
    private enum SavedItemType
    {
        Text = 0,
        Boolean = 1,
        Single = 2,
        Double = 3,
        Int32 = 4,
        Int64 = 5,
        UInt32 = 6,
        UInt64 = 7,
    }

    private static readonly Dictionary<SavedItemType, PrimitiveDataViewType> SupportedTypes = new()
    {
        [SavedItemType.Text] = TextDataViewType.Instance,
        [SavedItemType.Boolean] = BooleanDataViewType.Instance,
        [SavedItemType.Single] = NumberDataViewType.Single,
        [SavedItemType.Double] = NumberDataViewType.Double,
        [SavedItemType.Int32] = NumberDataViewType.Int32,
        [SavedItemType.Int64] = NumberDataViewType.Int64,
        [SavedItemType.UInt32] = NumberDataViewType.UInt32,
        [SavedItemType.UInt64] = NumberDataViewType.UInt64,
    };

    private readonly SavedItemType _typeCode;

    private LabelKeyValues(SavedItemType typeCode, string[] values)
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
        var found = SupportedTypes.Where(kv => kv.Value.Equals(itemType)).Select(kv => (SavedItemType?)kv.Key).FirstOrDefault();
        if (found is not { } typeCode)
            throw host.Except($"Label column '{column.Name}' has key values of type {itemType}; supported: {string.Join(", ", SupportedTypes.Values.Select(t => t.ToString()))}.");
        var values = typeCode switch
        {
            SavedItemType.Text => Read<ReadOnlyMemory<char>>(column, v => v.ToString()),
            SavedItemType.Boolean => Read<bool>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            SavedItemType.Single => Read<float>(column, v => v.ToString("R", CultureInfo.InvariantCulture)),
            SavedItemType.Double => Read<double>(column, v => v.ToString("R", CultureInfo.InvariantCulture)),
            SavedItemType.Int32 => Read<int>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            SavedItemType.Int64 => Read<long>(column, v => v.ToString(CultureInfo.InvariantCulture)),
            SavedItemType.UInt32 => Read<uint>(column, v => v.ToString(CultureInfo.InvariantCulture)),
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
            case SavedItemType.Text: Add(builder, v => v.AsMemory()); break;
            case SavedItemType.Boolean: Add(builder, bool.Parse); break;
            case SavedItemType.Single: Add(builder, v => float.Parse(v, CultureInfo.InvariantCulture)); break;
            case SavedItemType.Double: Add(builder, v => double.Parse(v, CultureInfo.InvariantCulture)); break;
            case SavedItemType.Int32: Add(builder, v => int.Parse(v, CultureInfo.InvariantCulture)); break;
            case SavedItemType.Int64: Add(builder, v => long.Parse(v, CultureInfo.InvariantCulture)); break;
            case SavedItemType.UInt32: Add(builder, v => uint.Parse(v, CultureInfo.InvariantCulture)); break;
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
    // int: item type (SavedItemType: fixed codes)
    // int: count
    // string[count]: values (invariant text)
    public void Save(BinaryWriter writer)
    {
        writer.Write((int)_typeCode);
        writer.Write(Values.Count);
        foreach (var value in Values)
            writer.Write(value);
    }

    public static LabelKeyValues Load(BinaryReader reader)
    {
        var typeCode = (SavedItemType)reader.ReadInt32();
        int count = reader.ReadInt32();
        if (!SupportedTypes.ContainsKey(typeCode) || count < 0)
            throw new InvalidDataException($"The saved model has invalid label key values (type {(int)typeCode}, count {count}).");
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
