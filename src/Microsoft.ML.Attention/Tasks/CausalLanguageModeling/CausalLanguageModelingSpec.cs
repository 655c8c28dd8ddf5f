using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.CausalLanguageModeling"/>: a decoder-only <see cref="CausalLanguageModel"/> that continues the text of the
/// prompt column into the output column, with the <see cref="GenerationOptions"/> kept (a private copy) and saved with the model.
/// </summary>
internal sealed class CausalLanguageModelingSpec : TaskSpec<CausalLanguageModel>
{
    private readonly GenerationOptions _generation;

    public CausalLanguageModelingSpec(string promptColumnName, string outputColumnName, GenerationOptions generation)
    {
        PromptColumnName = promptColumnName;
        OutputColumnName = outputColumnName;
        _generation = Copy(generation);
    }

    public string PromptColumnName { get; }
    public string OutputColumnName { get; }

    /// <summary>A copy of the generation settings (changing it does not change this spec).</summary>
    public GenerationOptions Generation => Copy(_generation);

    public override TransformerTask Task => TransformerTask.CausalLanguageModeling;

    public override IReadOnlyList<string> InputColumnNames => [PromptColumnName];

    public override bool IsDecoder => true;

    /// <summary>The task's network: a <see cref="CausalLanguageModel"/> with fresh weights.</summary>
    public override CausalLanguageModel CreateNetwork(TransformerConfig config) => new(config);

    /// <summary>Generation runs in float32 on TorchSharp whatever <paramref name="settings"/> ask (EngineSelection never gives it ONNX Runtime).</summary>
    public override ITaskScorer CreateScorer(TaskModel<CausalLanguageModel> model, InferenceSettings settings) =>
        new CausalLanguageModelingScorer(model, this);

    /// <summary>
    /// ONNX output <c>logits</c> [batch, sequence, V] for every position, causal, without a key/value cache (each call recomputes the
    /// whole prefix); <c>token_type_ids</c> is not read (the decoder uses type 0).
    /// </summary>
    public override void WriteOnnxOutputs(OnnxHeadWriter writer)
    {
        var config = writer.Config;
        var backbone = writer.Backbone;
        var hidden = backbone.Hidden(causal: true, readTokenTypes: false); // [B*T, D]
        var head = config.TieEmbeddings ? writer.Weights.Get("backbone.token_embedding.weight") : writer.Weights.Get("lm_head.weight"); // [V, D]
        var logits = backbone.Unflatten(backbone.Linear(hidden, head, bias: null), config.VocabularySize); // [B, T, V]
        writer.Output("logits", logits, perToken: true, config.VocabularySize);
    }

    /// <summary>An independent copy of <paramref name="options"/> (the stop-sequence list included).</summary>
    public static GenerationOptions Copy(GenerationOptions options) => new()
    {
        MaxNewTokens = options.MaxNewTokens,
        Temperature = options.Temperature,
        TopK = options.TopK,
        TopP = options.TopP,
        RepetitionPenalty = options.RepetitionPenalty,
        StopSequences = options.StopSequences.ToList(),
        Seed = options.Seed,
        UseKeyValueCache = options.UseKeyValueCache,
    };

    // *** Binary format ***
    // string: prompt column name
    // string: output column name
    // int: max new tokens; float: temperature; int: top-k; float: top-p; float: repetition penalty
    // bool: has seed; int: seed (0 when absent)
    // bool: use key/value cache
    // int: stop sequence count n; string[n]: stop sequences
    public override void Save(BinaryWriter writer)
    {
        writer.Write(PromptColumnName);
        writer.Write(OutputColumnName);
        writer.Write(_generation.MaxNewTokens);
        writer.Write(_generation.Temperature);
        writer.Write(_generation.TopK);
        writer.Write(_generation.TopP);
        writer.Write(_generation.RepetitionPenalty);
        writer.Write(_generation.Seed.HasValue);
        writer.Write(_generation.Seed ?? 0);
        writer.Write(_generation.UseKeyValueCache);
        writer.Write(_generation.StopSequences.Count);
        foreach (string stop in _generation.StopSequences)
            writer.Write(stop);
    }

    public static CausalLanguageModelingSpec Load(BinaryReader reader)
    {
        string prompt = reader.ReadString();
        string output = reader.ReadString();
        var generation = new GenerationOptions
        {
            MaxNewTokens = reader.ReadInt32(),
            Temperature = reader.ReadSingle(),
            TopK = reader.ReadInt32(),
            TopP = reader.ReadSingle(),
            RepetitionPenalty = reader.ReadSingle(),
        };
        bool hasSeed = reader.ReadBoolean();
        int seed = reader.ReadInt32();
        generation.Seed = hasSeed ? seed : null;
        generation.UseKeyValueCache = reader.ReadBoolean();
        int stopCount = reader.ReadInt32();
        if (stopCount < 0 || stopCount > 10_000)
            throw new InvalidDataException($"The saved model has an invalid number of stop sequences ({stopCount}).");
        for (int i = 0; i < stopCount; i++)
            generation.StopSequences.Add(reader.ReadString());
        try
        {
            generation.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The saved model's generation options are invalid: {e.Message}", e);
        }
        return new CausalLanguageModelingSpec(prompt, output, generation);
    }
}
