namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Every task, one line each (as Hugging Face's <c>SUPPORTED_TASKS</c>): the estimator, the transformer's loader and the options
/// checks find a task here and nowhere else. Adding a task = a <see cref="TransformerTask"/> value, a folder under <c>Tasks/</c>
/// with its <see cref="ITaskDefinition"/>, and one line below.
/// </summary>
internal static class TaskRegistry
{
    private static readonly ITaskDefinition[] Definitions =
    [
        new MaskedLanguageModelingTask(),
        new CausalLanguageModelingTask(),
        new TextClassificationTask(),
        new QuestionAnsweringTask(),
        new TokenClassificationTask(),
        new SentenceEmbeddingTask(),
        new SentenceSimilarityTask(),
        new TranslationTask(),
    ];

    /// <summary>The registered tasks, in registration order.</summary>
    public static IReadOnlyList<ITaskDefinition> All => Definitions;

    /// <summary>The definition of <paramref name="task"/>, or false when no task of that value is registered.</summary>
    public static bool TryGet(TransformerTask task, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ITaskDefinition? definition)
    {
        definition = Array.Find(Definitions, d => d.Task == task);
        return definition is not null;
    }

    /// <summary>The definition of <paramref name="task"/>; throws for a value that names no registered task.</summary>
    public static ITaskDefinition Get(TransformerTask task) => TryGet(task, out var definition)
        ? definition
        : throw new ArgumentOutOfRangeException(nameof(TransformerTextOptions.Task), task, $"{nameof(TransformerTextOptions)}.{nameof(TransformerTextOptions.Task)} {task} is not a registered task.");
}
