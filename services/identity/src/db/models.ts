import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class Role extends Model<InferAttributes<Role>, InferCreationAttributes<Role>> {
  declare id: CreationOptional<number>;
  declare role_name: string;
  declare code: string | null;
  declare permissions: string[];
  declare builtin: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class Menu extends Model<InferAttributes<Menu>, InferCreationAttributes<Menu>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare path: string;
  declare icon: string | null;
  declare sort: CreationOptional<number>;
  declare parent_id: number | null;
  declare created_time: CreationOptional<Date>;
}

export class RoleMenu extends Model<InferAttributes<RoleMenu>, InferCreationAttributes<RoleMenu>> {
  declare role_id: number;
  declare menu_id: number;
}

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare password_hash: string;
  declare role_id: number;
  declare real_name: string | null;
  declare email: string | null;
  declare status: number;
  declare level: number;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class RefreshToken extends Model<InferAttributes<RefreshToken>, InferCreationAttributes<RefreshToken>> {
  declare jti: string;
  declare user_id: number;
  declare family: string;
  declare expires_at: Date;
  declare used_at: CreationOptional<Date | null>;
  declare revoked_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
}

export class LoginFailure extends Model<InferAttributes<LoginFailure>, InferCreationAttributes<LoginFailure>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare ip: string;
  declare created_at: CreationOptional<Date>;
}

export class SigningKey extends Model<InferAttributes<SigningKey>, InferCreationAttributes<SigningKey>> {
  declare kid: string;
  declare private_pem: string;
  declare public_jwk: string;
  declare created_at: CreationOptional<Date>;
}

export interface IdentityModels {
  Role: typeof Role;
  Menu: typeof Menu;
  RoleMenu: typeof RoleMenu;
  User: typeof User;
  RefreshToken: typeof RefreshToken;
  LoginFailure: typeof LoginFailure;
  SigningKey: typeof SigningKey;
}

const created = { createdAt: 'created_at', updatedAt: false } as const;

/** Binds the model classes to this service's connection. */
export function initModels(sequelize: Sequelize): IdentityModels {
  Role.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      role_name: DataTypes.STRING(50),
      code: DataTypes.STRING(50),
      permissions: {
        type: DataTypes.TEXT,
        get() {
          return JSON.parse((this.getDataValue('permissions') as unknown as string) ?? '[]');
        },
        set(value: string[]) {
          this.setDataValue('permissions', JSON.stringify(value) as unknown as string[]);
        },
      },
      builtin: DataTypes.BOOLEAN,
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
      deleted_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'roles', createdAt: 'created_at', updatedAt: 'updated_at', deletedAt: 'deleted_at', paranoid: true },
  );
  Menu.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      name: DataTypes.STRING(50),
      path: DataTypes.STRING(200),
      icon: DataTypes.STRING(100),
      sort: DataTypes.INTEGER,
      parent_id: DataTypes.INTEGER,
      created_time: DataTypes.DATE,
    },
    { sequelize, tableName: 'menus', createdAt: 'created_time', updatedAt: false },
  );
  RoleMenu.init(
    { role_id: { type: DataTypes.INTEGER, primaryKey: true }, menu_id: { type: DataTypes.INTEGER, primaryKey: true } },
    { sequelize, tableName: 'role_menus', timestamps: false },
  );
  User.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      username: DataTypes.STRING(50),
      password_hash: DataTypes.STRING(255),
      role_id: DataTypes.INTEGER,
      real_name: DataTypes.STRING(50),
      email: DataTypes.STRING(100),
      status: DataTypes.TINYINT,
      level: DataTypes.INTEGER,
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
      deleted_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'users', createdAt: 'created_at', updatedAt: 'updated_at', deletedAt: 'deleted_at', paranoid: true },
  );
  RefreshToken.init(
    {
      jti: { type: DataTypes.STRING(36), primaryKey: true },
      user_id: DataTypes.INTEGER,
      family: DataTypes.STRING(36),
      expires_at: DataTypes.DATE,
      used_at: DataTypes.DATE,
      revoked_at: DataTypes.DATE,
      created_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'refresh_tokens', ...created },
  );
  LoginFailure.init(
    { id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true }, username: DataTypes.STRING(50), ip: DataTypes.STRING(64), created_at: DataTypes.DATE },
    { sequelize, tableName: 'login_failures', ...created },
  );
  SigningKey.init(
    { kid: { type: DataTypes.STRING(64), primaryKey: true }, private_pem: DataTypes.TEXT, public_jwk: DataTypes.TEXT, created_at: DataTypes.DATE },
    { sequelize, tableName: 'signing_keys', ...created },
  );
  return { Role, Menu, RoleMenu, User, RefreshToken, LoginFailure, SigningKey };
}
