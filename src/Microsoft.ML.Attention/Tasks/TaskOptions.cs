using System.Reflection;
using System.Text.Json;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Which <see cref="TransformerTextOptions"/> the user set, found without a list of defaults: every public property is compared with a
/// fresh <c>new TransformerTextOptions()</c> (a nested options object such as <see cref="TransformerTextOptions.QuestionAnswering"/> by
/// its JSON form, so that a field added to it later is compared too). An option is task-specific when some registered task lists it in
/// <see cref="ITaskDefinition.OptionsRead"/>; every other option applies to every task.
/// </summary>
internal static class TaskOptions
{
    private static readonly TransformerTextOptions Defaults = new();

    private static readonly PropertyInfo[] Properties = typeof(TransformerTextOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    /// <summary>The options that at least one registered task reads and others do not need.</summary>
    public static IReadOnlySet<string> TaskSpecific { get; } = TaskRegistry.All.SelectMany(t => t.OptionsRead).ToHashSet();

    /// <summary>The task-specific options set to something other than their default in <paramref name="options"/>.</summary>
    public static IEnumerable<string> SetTaskSpecific(TransformerTextOptions options) =>
        Properties.Where(p => TaskSpecific.Contains(p.Name) && IsSet(p, options)).Select(p => p.Name);

    /// <summary>Whether <paramref name="property"/> of <paramref name="options"/> differs from its default.</summary>
    public static bool IsSet(PropertyInfo property, TransformerTextOptions options)
    {
        object? value = property.GetValue(options);
        object? defaultValue = property.GetValue(Defaults);
        if (value is null || defaultValue is null)
            return !ReferenceEquals(value, defaultValue);
        return IsOptionsObject(property.PropertyType)
            ? JsonSerializer.Serialize(value, property.PropertyType) != JsonSerializer.Serialize(defaultValue, property.PropertyType)
            : !Equals(value, defaultValue);
    }

    // A nested options class of this library (QuestionAnswering, Generation, TextClassification, ...): compared by its contents.
    private static bool IsOptionsObject(Type type) =>
        type.IsClass && type != typeof(string) && type.Assembly == typeof(TaskOptions).Assembly && type.Name.EndsWith("Options", StringComparison.Ordinal);
}
