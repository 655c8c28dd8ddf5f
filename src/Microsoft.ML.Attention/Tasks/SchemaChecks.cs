using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Column checks with ML.NET's own schema-mismatch messages (they name the column, the expected and the actual type).</summary>
internal static class SchemaChecks
{
    public static void CheckTextColumn(IExceptionContext host, DataViewSchema schema, string columnName, string parameterName)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw host.ExceptSchemaMismatch(parameterName, "text", columnName);
        if (column.Type is not TextDataViewType)
            throw host.ExceptSchemaMismatch(parameterName, "text", columnName, "String", column.Type.ToString());
    }

    public static void CheckTextColumn(IExceptionContext host, SchemaShape schema, string columnName, string parameterName)
    {
        if (!schema.TryFindColumn(columnName, out var column))
            throw host.ExceptSchemaMismatch(parameterName, "text", columnName);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw host.ExceptSchemaMismatch(parameterName, "text", columnName, "String", column.GetTypeString());
    }

    /// <summary><paramref name="inputSchema"/> with <paramref name="output"/> added (replacing an input column of the same name).</summary>
    public static SchemaShape WithColumn(SchemaShape inputSchema, SchemaShape.Column output)
    {
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[output.Name] = output;
        return new SchemaShape(columns.Values);
    }
}
