using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tests.Causal;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.QuestionAnswering;

namespace Microsoft.ML.Attention.Tests.Contract;

/// <summary>
/// Per registered task: tiny options with a fixed seed and a few real rows (column <c>"Text"</c>, plus what the task needs; a two-text
/// task reads its second text from the column named by the transformer's second input column). A task
/// registered without a sample here fails every contract test with a message that asks for one.
/// </summary>
internal static class ContractSamples
{
    private static readonly Dictionary<TransformerTask, Func<MLContext, (TransformerTextOptions Options, IDataView Data)>> Samples = new()
    {
        [TransformerTask.MaskedLanguageModeling] = ml =>
        {
            var options = TinyModels.MaskedLm();
            options.MaxSteps = 2;
            options.InferenceBatchSize = 3;
            return (options, TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 8)));
        },
        [TransformerTask.TextClassification] = ml =>
            (TextClassificationData.Tiny(maxSteps: 2), ml.Data.LoadFromEnumerable(TinyModels.YelpRows(8))),
        [TransformerTask.QuestionAnswering] = ml =>
        {
            var options = QuestionAnsweringData.Tiny(maxSteps: 2);
            options.InferenceBatchSize = 3;
            return (options, ml.Data.LoadFromEnumerable(QuestionAnsweringData.Rows(QuestionAnsweringData.DevExamples.Take(8))));
        },
        [TransformerTask.CausalLanguageModeling] = ml =>
        {
            var options = CausalModels.TinyCharacterLm();
            options.MaxSteps = 2;
            options.Generation = new GenerationOptions { Temperature = 0f, MaxNewTokens = 4 };
            return (options, TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 8)));
        },
    };

    /// <summary>Points the options' first input column (the one every sample keeps in "Text") at <paramref name="columnName"/>.</summary>
    public static void SetFirstInputColumn(TransformerTextOptions options, string columnName)
    {
        if (options.Task == TransformerTask.QuestionAnswering)
            options.QuestionAnswering.QuestionColumnName = columnName;
        else
            options.TextColumnName = columnName;
    }

    /// <summary>The options and data of <paramref name="task"/>'s sample.</summary>
    public static (TransformerTextOptions Options, IDataView Data) For(MLContext ml, TransformerTask task) =>
        Samples.TryGetValue(task, out var sample)
            ? sample(ml)
            : throw new InvalidOperationException($"Task {task} is registered but has no contract sample: add one to {nameof(ContractSamples)}.");
}
