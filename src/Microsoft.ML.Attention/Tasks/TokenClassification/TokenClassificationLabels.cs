using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The classes of <see cref="TransformerTask.TokenClassification"/>: text labels (the distinct training labels, in ordinal order) or keys
/// (the key count, with the key values when the column has them), so that <c>PredictedLabel</c> comes back with the label's type.
/// Class i is key i + 1 for keys.
/// </summary>
internal sealed class TokenClassificationLabels
{
    public const string ExpectedType = "Vector<String> or Vector<Key> (one label per word)";

    private TokenClassificationLabels(bool isKey, string[] names, LabelKeyValues? keyValues)
    {
        IsKey = isKey;
        Names = names;
        KeyValues = keyValues;
    }

    /// <summary>true = keys (PredictedLabel a key vector), false = text labels (PredictedLabel a text vector).</summary>
    public bool IsKey { get; }

    /// <summary>The class names as text, class 0 first: the labels, the key values, or "key i" for keys without values.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The key values of a key label, or null.</summary>
    public LabelKeyValues? KeyValues { get; }

    /// <summary>Number of classes C.</summary>
    public int Count => Names.Count;

    /// <summary>Whether the class names are the labels' own text (text labels, or keys with text key values): what entities need.</summary>
    public bool HasTextNames => !IsKey || KeyValues?.ItemType is TextDataViewType;

    /// <summary>Text labels with the given classes.</summary>
    public static TokenClassificationLabels OfText(IEnumerable<string> names) => new(false, [.. names.Distinct().Order(StringComparer.Ordinal)], null);

    /// <summary>The key labels of <paramref name="column"/> (a vector of keys), or null for a vector of text; throws for any other type.</summary>
    public static TokenClassificationLabels? KeysOf(IExceptionContext host, DataViewSchema.Column column, string parameterName)
    {
        if (column.Type is VectorDataViewType { ItemType: TextDataViewType })
            return null;
        if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType key })
            throw host.ExceptSchemaMismatch(parameterName, "label", column.Name, ExpectedType, column.Type.ToString());
        if (key.Count < 1 || key.Count > int.MaxValue)
            throw host.Except($"Label column '{column.Name}' is a key type with {key.Count} values; token classification needs between 1 and {int.MaxValue}.");
        int count = (int)key.Count;
        var keyValues = LabelKeyValues.FromColumn(host, column, count);
        var names = keyValues?.Values.ToArray() ?? [.. Enumerable.Range(1, count).Select(k => $"key {k}")];
        return new TokenClassificationLabels(true, names, keyValues);
    }

    /// <summary>Checks the label column of a schema shape (for <c>GetOutputSchema</c>) and returns it.</summary>
    public static SchemaShape.Column CheckShape(IExceptionContext host, SchemaShape schema, string columnName, string parameterName)
    {
        if (!schema.TryFindColumn(columnName, out var column))
            throw host.ExceptSchemaMismatch(parameterName, "label", columnName);
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || !(column.IsKey || column.ItemType is TextDataViewType))
            throw host.ExceptSchemaMismatch(parameterName, "label", columnName, ExpectedType, column.GetTypeString());
        return column;
    }

    /// <summary>"text labels (C)" or "keys (C)", for messages.</summary>
    public override string ToString() => $"{(IsKey ? "keys" : "text labels")} ({Count})";

    // *** Binary format ***
    // bool: keys (false: text labels)
    // int: class count C
    // string[C]: class names
    // bool: has key values; then LabelKeyValues
    public void Save(BinaryWriter writer)
    {
        writer.Write(IsKey);
        writer.Write(Count);
        foreach (var name in Names)
            writer.Write(name);
        writer.Write(KeyValues is not null);
        KeyValues?.Save(writer);
    }

    public static TokenClassificationLabels Load(BinaryReader reader)
    {
        bool isKey = reader.ReadBoolean();
        int count = reader.ReadInt32();
        if (count < 1)
            throw new InvalidDataException($"The saved model has an invalid token-classification label count ({count}).");
        var names = new string[count];
        for (int i = 0; i < count; i++)
            names[i] = reader.ReadString();
        var keyValues = reader.ReadBoolean() ? LabelKeyValues.Load(reader) : null;
        if ((keyValues is not null && (!isKey || keyValues.Values.Count != count)))
            throw new InvalidDataException($"The saved model has invalid token-classification key values ({keyValues.Values.Count} for {count} classes).");
        return new TokenClassificationLabels(isKey, names, keyValues);
    }
}
