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

    /// <summary>Checks a scorer's or task's input column: a text column, or (for <see cref="TaskInputColumn.IsWords"/>) a vector of text.</summary>
    public static void CheckInputColumn(IExceptionContext host, DataViewSchema schema, TaskInputColumn input, string parameterName)
    {
        if (!input.IsWords)
        {
            CheckTextColumn(host, schema, input.Name, parameterName);
            return;
        }
        var column = schema.GetColumnOrNull(input.Name)
            ?? throw host.ExceptSchemaMismatch(parameterName, "words", input.Name);
        if (column.Type is not VectorDataViewType { ItemType: TextDataViewType })
            throw host.ExceptSchemaMismatch(parameterName, "words", input.Name, "Vector<String>", column.Type.ToString());
    }

    /// <summary>As <see cref="CheckInputColumn(IExceptionContext, DataViewSchema, TaskInputColumn, string)"/>, on a schema shape.</summary>
    public static void CheckInputColumn(IExceptionContext host, SchemaShape schema, TaskInputColumn input, string parameterName)
    {
        if (!input.IsWords)
        {
            CheckTextColumn(host, schema, input.Name, parameterName);
            return;
        }
        if (!schema.TryFindColumn(input.Name, out var column))
            throw host.ExceptSchemaMismatch(parameterName, "words", input.Name);
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw host.ExceptSchemaMismatch(parameterName, "words", input.Name, "Vector<String>", column.GetTypeString());
    }

    /// <summary><paramref name="inputSchema"/> with <paramref name="output"/> added (replacing an input column of the same name).</summary>
    public static SchemaShape WithColumn(SchemaShape inputSchema, SchemaShape.Column output)
    {
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[output.Name] = output;
        return new SchemaShape(columns.Values);
    }
}
