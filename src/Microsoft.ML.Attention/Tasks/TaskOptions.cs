using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// The <see cref="TransformerTextOptions"/> that only some tasks read, and whether the user set each one (a value other than its
/// documented default). A task lists those it reads in <see cref="ITaskDefinition.OptionsRead"/>; the estimator reports the others.
/// </summary>
internal static class TaskOptions
{
    public const string Pooling = nameof(TransformerTextOptions.Pooling);
    public const string MaskProbability = nameof(TransformerTextOptions.MaskProbability);
    public const string InferencePrecision = nameof(TransformerTextOptions.InferencePrecision);
    public const string Generation = nameof(TransformerTextOptions.Generation);
    public const string LabelColumnName = nameof(TransformerTextOptions.LabelColumnName);
    public const string SecondTextColumnName = nameof(TransformerTextOptions.SecondTextColumnName);
    public const string FreezeEncoder = nameof(TransformerTextOptions.FreezeEncoder);
    public const string EarlyStoppingPatience = nameof(TransformerTextOptions.EarlyStoppingPatience);
    public const string TextColumnName = nameof(TransformerTextOptions.TextColumnName);
    public const string QuestionAnswering = nameof(TransformerTextOptions.QuestionAnswering);
    public const string Progress = nameof(TransformerTextOptions.Progress);

    private static readonly TransformerTextOptions Defaults = new();

    /// <summary>Each task-specific option with a test for "set to something other than its default".</summary>
    public static IReadOnlyDictionary<string, Func<TransformerTextOptions, bool>> IsSet { get; } = new Dictionary<string, Func<TransformerTextOptions, bool>>
    {
        [Pooling] = o => o.Pooling != Defaults.Pooling,
        [MaskProbability] = o => o.MaskProbability != Defaults.MaskProbability,
        [InferencePrecision] = o => o.InferencePrecision != Defaults.InferencePrecision,
        [Generation] = o => !IsDefault(o.Generation),
        [LabelColumnName] = o => o.LabelColumnName != Defaults.LabelColumnName,
        [SecondTextColumnName] = o => o.SecondTextColumnName is not null,
        [FreezeEncoder] = o => o.FreezeEncoder,
        [EarlyStoppingPatience] = o => o.EarlyStoppingPatience != Defaults.EarlyStoppingPatience,
        [TextColumnName] = o => o.TextColumnName != Defaults.TextColumnName,
        [QuestionAnswering] = o => !o.QuestionAnswering.IsDefault(),
        [Progress] = o => o.Progress is not null,
    };

    private static bool IsDefault(GenerationOptions options)
    {
        var d = Defaults.Generation;
        return options.MaxNewTokens == d.MaxNewTokens && options.Temperature == d.Temperature && options.TopK == d.TopK
            && options.TopP == d.TopP && options.RepetitionPenalty == d.RepetitionPenalty && options.StopSequences.Count == 0
            && options.Seed == d.Seed && options.UseKeyValueCache == d.UseKeyValueCache;
    }
}
