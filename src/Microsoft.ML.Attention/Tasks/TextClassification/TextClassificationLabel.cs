using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// What the label column of <see cref="TransformerTask.TextClassification"/> is: a Boolean (binary: one logit) or a key with
/// C &gt;= 2 values (multiclass: C logits), with the key values when the column has them.
/// </summary>
internal sealed class TextClassificationLabel
{
    private const string ExpectedType = "Boolean or Key (e.g. from MapValueToKey)";

    internal TextClassificationLabel(bool isBinary, int classCount, LabelKeyValues? keyValues)
    {
        IsBinary = isBinary;
        ClassCount = classCount;
        KeyValues = keyValues;
    }

    /// <summary>true for a Boolean label (Score = logit, Probability, PredictedLabel Boolean).</summary>
    public bool IsBinary { get; }

    /// <summary>Number of classes: 2 for binary, the key count for multiclass.</summary>
    public int ClassCount { get; }

    /// <summary>The label's key values (multiclass only), or null.</summary>
    public LabelKeyValues? KeyValues { get; }

    /// <summary>Outputs of the network's head: 1 logit for binary, C for multiclass.</summary>
    public int HeadSize => IsBinary ? 1 : ClassCount;

    /// <summary>Reads the label's kind from a data schema; errors name the column and its type.</summary>
    public static TextClassificationLabel FromSchema(IExceptionContext host, DataViewSchema schema, string columnName, string parameterName)
    {
        var column = schema.GetColumnOrNull(columnName) ?? throw host.ExceptSchemaMismatch(parameterName, "label", columnName);
        if (column.Type is BooleanDataViewType)
            return new TextClassificationLabel(isBinary: true, classCount: 2, keyValues: null);
        if (column.Type is not KeyDataViewType key)
            throw host.ExceptSchemaMismatch(parameterName, "label", columnName, ExpectedType, column.Type.ToString());
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw host.Except($"Label column '{columnName}' is a key type with {key.Count} value(s); classification needs between 2 and {int.MaxValue} classes.");
        int classCount = (int)key.Count;
        return new TextClassificationLabel(isBinary: false, classCount, LabelKeyValues.FromColumn(host, column, classCount));
    }

    /// <summary>Checks the label column of a schema shape (for <c>GetOutputSchema</c>) and returns it.</summary>
    public static SchemaShape.Column CheckShape(IExceptionContext host, SchemaShape schema, string columnName, string parameterName)
    {
        if (!schema.TryFindColumn(columnName, out var column))
            throw host.ExceptSchemaMismatch(parameterName, "label", columnName);
        bool scalar = column.Kind == SchemaShape.Column.VectorKind.Scalar;
        if (!scalar || !(column.IsKey || column.ItemType is BooleanDataViewType))
            throw host.ExceptSchemaMismatch(parameterName, "label", columnName, ExpectedType, column.GetTypeString());
        return column;
    }

    /// <summary>true when <paramref name="other"/> (e.g. the validation set's label) has the same kind and class count.</summary>
    public bool SameKind(TextClassificationLabel other) => IsBinary == other.IsBinary && ClassCount == other.ClassCount;

    /// <summary>"Boolean" or "Key with C values", for messages.</summary>
    public override string ToString() => IsBinary ? "Boolean" : $"Key with {ClassCount} values";

    /// <summary>The name of class <paramref name="index"/> for messages: its key value, "true"/"false", or its 1-based key.</summary>
    public string ClassName(int index) => IsBinary ? (index == 1 ? "true" : "false") : KeyValues?.Values[index] ?? $"key {index + 1}";

    // *** Binary format ***
    // bool: binary
    // int: class count
    // bool: has key values; then LabelKeyValues
    public void Save(BinaryWriter writer)
    {
        writer.Write(IsBinary);
        writer.Write(ClassCount);
        writer.Write(KeyValues is not null);
        KeyValues?.Save(writer);
    }

    public static TextClassificationLabel Load(BinaryReader reader)
    {
        bool binary = reader.ReadBoolean();
        int classCount = reader.ReadInt32();
        var keyValues = reader.ReadBoolean() ? LabelKeyValues.Load(reader) : null;
        if (classCount < 2 || (binary && classCount != 2) || (keyValues is not null && keyValues.Values.Count != classCount))
            throw new InvalidDataException($"The saved model has an invalid classification label (binary {binary}, {classCount} classes).");
        return new TextClassificationLabel(binary, classCount, keyValues);
    }
}
