namespace Microsoft.ML.Attention.Tasks;

/// <summary>The one way an option check fails: <see cref="ArgumentOutOfRangeException"/> naming the options class, the option and its value.</summary>
internal static class OptionChecks
{
    /// <summary>Throws unless <paramref name="condition"/> holds: "<c>{optionsClass}.{option} {rule}; it is {value}.</c>"</summary>
    /// <param name="condition">What must hold.</param>
    /// <param name="optionsClass">The options class (e.g. <c>TransformerTextOptions</c>).</param>
    /// <param name="option">The option's path below it (e.g. <c>QuestionAnswering.DocumentStride</c>).</param>
    /// <param name="value">Its value.</param>
    /// <param name="rule">What it must be (e.g. "must be at least 1").</param>
    public static void Require(bool condition, string optionsClass, string option, object? value, string rule)
    {
        if (!condition)
            throw new ArgumentOutOfRangeException(option, value, $"{optionsClass}.{option} {rule}; it is {value ?? "null"}.");
    }

    /// <summary><see cref="Require(bool, string, string, object?, string)"/> for <see cref="TransformerTextOptions"/>.</summary>
    public static void Require(bool condition, string option, object? value, string rule) =>
        Require(condition, nameof(TransformerTextOptions), option, value, rule);
}
