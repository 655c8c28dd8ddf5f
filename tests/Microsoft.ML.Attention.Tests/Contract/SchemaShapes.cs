using System.Reflection;

namespace Microsoft.ML.Attention.Tests.Contract;

/// <summary>
/// <c>SchemaShape.Create(DataViewSchema)</c>, which ML.NET keeps internal (its pipelines call it before <c>GetOutputSchema</c>);
/// the tests reach it by reflection to call <c>GetOutputSchema</c> as a pipeline does.
/// </summary>
internal static class SchemaShapes
{
    private static readonly MethodInfo Create = typeof(SchemaShape).GetMethod("Create", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static,
        [typeof(DataViewSchema)]) ?? throw new MissingMethodException(nameof(SchemaShape), "Create");

    /// <summary>The shape of <paramref name="schema"/>.</summary>
    public static SchemaShape Of(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, [schema])!;
}
