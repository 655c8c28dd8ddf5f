using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.MLNet;

/// <summary>
/// Options that the user set (a value other than the documented default) but that the chosen task, tokenizer or initial model
/// does not read. The estimator writes one warning per option to the ML.NET log when it is created; training goes on unchanged.
/// </summary>
internal static class IgnoredOptions
{
    private static readonly TransformerTextOptions Defaults = new();

    /// <summary>One message per ignored option, naming the option and why it is ignored.</summary>
    public static IEnumerable<string> Find(TransformerTextOptions o, ITaskDefinition task)
    {
        foreach (string option in TaskOptions.SetTaskSpecific(o))
        {
            if (!task.OptionsRead.Contains(option))
                yield return Message(option, $"Task {task.Task} does not read it");
        }

        if (o.CheckpointDirectory is null && o.CheckpointEverySteps != Defaults.CheckpointEverySteps)
            yield return Message(nameof(o.CheckpointEverySteps), $"{nameof(o.CheckpointDirectory)} is null, so no checkpoints are written");

        if (o.InitialModel is not null)
        {
            const string reason = "InitialModel is set, and its network shape and tokenizer are kept";
            if (o.Model != Defaults.Model)
                yield return Message(nameof(o.Model), reason);
            if (o.Tokenizer != Defaults.Tokenizer)
                yield return Message(nameof(o.Tokenizer), reason);
            if (o.VocabularyPath is not null)
                yield return Message(nameof(o.VocabularyPath), reason);
            if (o.LowerCase != Defaults.LowerCase)
                yield return Message(nameof(o.LowerCase), reason);
            yield break;
        }

        if (o.VocabularyPath is not null && o.Tokenizer is not (TokenizerKind.WordPiece or TokenizerKind.Llama2c))
            yield return Message(nameof(o.VocabularyPath), $"Tokenizer {o.Tokenizer} does not read a vocabulary file");
        if (o.LowerCase != Defaults.LowerCase && o.Tokenizer != TokenizerKind.WordPiece)
            yield return Message(nameof(o.LowerCase), $"Tokenizer {o.Tokenizer} does not read it (WordPiece only)");
        if (task.OptionsRead.Contains(nameof(o.Translation)) && o.Translation.VocabularySize != Defaults.Translation.VocabularySize && o.Tokenizer != TokenizerKind.Subword)
            yield return Message($"{nameof(o.Translation)}.{nameof(TranslationOptions.VocabularySize)}", $"Tokenizer {o.Tokenizer} does not learn a vocabulary (Subword only)");
    }

    private static string Message(string option, string reason) =>
        $"{nameof(TransformerTextOptions)}.{option} is set but ignored: {reason}.";
}
