using Microsoft.ML.Attention.Tasks;

namespace Microsoft.ML.Attention.MLNet;

/// <summary>A starting point taken from <see cref="TransformerTextOptions.InitialModel"/>; disposes the model when it loaded it itself.</summary>
internal sealed class InitialModel : IDisposable
{
    private readonly TransformerTextTransformer? _owned;
    private readonly TaskModel? _ownedModel;

    public InitialModel(TaskModel model, TransformerTextTransformer? owned, TaskModel? ownedModel = null)
    {
        Model = model;
        _owned = owned;
        _ownedModel = ownedModel;
    }

    public TaskModel Model { get; }

    public void Dispose()
    {
        _owned?.Dispose();
        _ownedModel?.Dispose();
    }
}

/// <summary>Resolves <see cref="TransformerInitialModel"/> into a trained model, with errors that name the option and the file.</summary>
internal static class InitialModelLoader
{
    public static InitialModel? Load(TransformerTextOptions options)
    {
        var source = options.InitialModel;
        if (source is null)
            return null;
        if (source.Transformer is { } transformer)
            return new InitialModel(transformer.Model, owned: null);

        string path = source.Path!;
        const string option = nameof(TransformerTextOptions.InitialModel);
        if (Persistence.Import.PretrainedEncoder.IsPretrainedEncoder(path))
        {
            // A pretrained encoder's files: its vocabulary is VocabularyPath or the one beside it; lower-casing comes from its files.
            var device = DeviceSelection.Resolve(TransformerDevice.Automatic);
            var (config, tokenizer, network) = Persistence.Import.PretrainedEncoder.LoadModel(path, options.VocabularyPath, lowerCase: null, maxSequenceLength: 0,
                device, option);
            var pretrained = new MaskedLanguageModelingSpec(options.TextColumnName, MaskedLanguageModelingTask.DefaultOutputColumnName, Modeling.PoolingKind.Mean)
                .Bind(config, tokenizer, network, device);
            return new InitialModel(pretrained, owned: null, ownedModel: pretrained);
        }
        if (!File.Exists(path))
            throw new FileNotFoundException($"{option} '{path}' does not exist.", path);
        ITransformer loaded;
        try
        {
            loaded = new MLContext().Model.Load(path, out _);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{option} '{path}' is not an ML.NET model saved with mlContext.Model.Save: {e.Message}", e);
        }
        var found = Find(loaded);
        if (found is null)
        {
            (loaded as IDisposable)?.Dispose();
            throw new InvalidDataException($"{option} '{path}' is an ML.NET model without a TransformerTextTransformer (a model of Microsoft.ML.Attention); it holds {Describe(loaded)}.");
        }
        return new InitialModel(found.Model, owned: found);
    }

    private static TransformerTextTransformer? Find(ITransformer transformer) => transformer switch
    {
        TransformerTextTransformer t => t,
        IEnumerable<ITransformer> chain => chain.Select(Find).LastOrDefault(t => t is not null),
        _ => null,
    };

    private static string Describe(ITransformer transformer) => transformer is IEnumerable<ITransformer> chain
        ? "[" + string.Join(", ", chain.Select(t => t.GetType().Name)) + "]"
        : transformer.GetType().Name;
}
