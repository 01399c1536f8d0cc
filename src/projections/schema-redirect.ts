// A kysely plugin that sends every table of one schema to another (the rebuild's fresh copy).
import {
  IdentifierNode,
  OperationNodeTransformer,
  type SchemableIdentifierNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

class SchemaRedirect extends OperationNodeTransformer {
  readonly #from: string;
  readonly #to: string;

  constructor(from: string, to: string) {
    super();
    this.#from = from;
    this.#to = to;
  }

  protected override transformSchemableIdentifier(node: SchemableIdentifierNode): SchemableIdentifierNode {
    const transformed = super.transformSchemableIdentifier(node);
    if (transformed.schema?.name !== this.#from) return transformed;
    return { ...transformed, schema: IdentifierNode.create(this.#to) };
  }
}

export class SchemaRedirectPlugin implements KyselyPlugin {
  readonly #transformer: SchemaRedirect;

  constructor(from: string, to: string) {
    this.#transformer = new SchemaRedirect(from, to);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
