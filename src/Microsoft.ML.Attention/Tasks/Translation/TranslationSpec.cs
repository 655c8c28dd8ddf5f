using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.Translation"/>: an <see cref="EncoderDecoderModel"/> that translates the source column into the output
/// column, with its embedding sharing and the beam search settings of <c>Transform</c> kept (a private copy) and saved with the model.
/// </summary>
internal sealed class TranslationSpec : TaskSpec<EncoderDecoderModel>
{
    public TranslationSpec(string sourceColumnName, string targetColumnName, string outputColumnName, TranslationOptions options)
    {
        SourceColumnName = sourceColumnName;
        TargetColumnName = targetColumnName;
        OutputColumnName = outputColumnName;
        ShareEmbeddings = options.ShareEmbeddings;
        BeamSize = options.BeamSize;
        LengthPenalty = options.LengthPenalty;
        EarlyStopping = options.EarlyStopping;
        NoRepeatNgramSize = options.NoRepeatNgramSize;
        MaxNewTokens = options.MaxNewTokens;
    }

    public string SourceColumnName { get; }
    public string TargetColumnName { get; }
    public string OutputColumnName { get; }
    public bool ShareEmbeddings { get; }
    public int BeamSize { get; }
    public float LengthPenalty { get; }
    public bool EarlyStopping { get; }
    public int NoRepeatNgramSize { get; }
    public int MaxNewTokens { get; }

    public override TransformerTask Task => TransformerTask.Translation;

    /// <summary>The source only: the target column is read by <c>Fit</c> alone.</summary>
    public override IReadOnlyList<string> InputColumnNames => [SourceColumnName];

    /// <summary>The task's network: an <see cref="EncoderDecoderModel"/> of <paramref name="config"/> on both sides, with fresh weights.</summary>
    public override EncoderDecoderModel CreateNetwork(TransformerConfig config) => new(config, ShareEmbeddings);

    /// <summary>Generation runs in float32 on TorchSharp whatever <paramref name="settings"/> ask (EngineSelection never gives it ONNX Runtime).</summary>
    public override ITaskScorer CreateScorer(TaskModel<EncoderDecoderModel> model, InferenceSettings settings) => new TranslationScorer(model, this);

    /// <summary>Not exported: an encoder–decoder needs two graphs (encoder, decoder step) and a decoder loop with key/value caches.</summary>
    public override void WriteOnnxOutputs(OnnxHeadWriter writer) => throw new NotSupportedException(
        $"{nameof(TransformerTask.Translation)} is not exported to ONNX yet: an encoder–decoder needs two graphs (the encoder and a decoder step) and a decoding loop with key/value caches around them.");

    /// <summary>The sampling settings of beam size 1: greedy decoding, at most <see cref="MaxNewTokens"/> tokens.</summary>
    public GenerationOptions Generation => new() { MaxNewTokens = MaxNewTokens, Temperature = 0f };

    /// <summary>A fresh copy of the beam search settings.</summary>
    public BeamSearchOptions Search => new() { BeamSize = BeamSize, LengthPenalty = LengthPenalty, EarlyStopping = EarlyStopping, NoRepeatNgramSize = NoRepeatNgramSize };

    // *** Binary format ***
    // string: source column name
    // string: target column name
    // string: output column name
    // bool: share embeddings
    // int: beam size; float: length penalty; bool: early stopping; int: no-repeat n-gram size
    // int: max new tokens
    public override void Save(BinaryWriter writer)
    {
        writer.Write(SourceColumnName);
        writer.Write(TargetColumnName);
        writer.Write(OutputColumnName);
        writer.Write(ShareEmbeddings);
        writer.Write(BeamSize);
        writer.Write(LengthPenalty);
        writer.Write(EarlyStopping);
        writer.Write(NoRepeatNgramSize);
        writer.Write(MaxNewTokens);
    }

    public static TranslationSpec Load(BinaryReader reader)
    {
        string source = reader.ReadString();
        string target = reader.ReadString();
        string output = reader.ReadString();
        var options = new TranslationOptions
        {
            ShareEmbeddings = reader.ReadBoolean(),
            BeamSize = reader.ReadInt32(),
            LengthPenalty = reader.ReadSingle(),
            EarlyStopping = reader.ReadBoolean(),
            NoRepeatNgramSize = reader.ReadInt32(),
            MaxNewTokens = reader.ReadInt32(),
        };
        if (options.BeamSize is < 1 or > 64 || options.MaxNewTokens < 1 || options.NoRepeatNgramSize < 0)
            throw new InvalidDataException($"The saved translation settings are out of range (beam size {options.BeamSize}, max new tokens {options.MaxNewTokens}, no-repeat n-gram size {options.NoRepeatNgramSize}).");
        return new TranslationSpec(source, target, output, options);
    }
}
